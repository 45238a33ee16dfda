/**
 * Side-effect module: import it first in an entry point, before any module
 * that loads `@serialport/stream`, so that `process.env` is confined before
 * the `debug` package enumerates it (see {@linkcode confineProcessEnv}).
 * ES modules run in import order, which is why this is a separate module
 * and not a call in the entry point's body.
 *
 * @example
 * ```ts
 * import "./permissions/confine_process_env.ts";
 * import { startService } from "./actors/service.ts";
 * ```
 *
 * @module
 */

import { confineProcessEnv } from "./process_env.ts";

confineProcessEnv();
