#!/bin/sh
# Runs a main.ts command with exactly the Deno permissions its configuration
# implies, so the flags and the configuration cannot drift apart.
#
# Usage: deploy/launch.sh CONFIG [COMMAND]    (COMMAND defaults to serve)
# Environment: DENO, the Deno executable (default: deno on PATH), and the
# variables the configuration names, e.g. API_KEY.
set -eu

config=${1:?usage: launch.sh CONFIG [COMMAND]}
command=${2:-serve}
deno=${DENO:-deno}
app_dir=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
cd "$app_dir"

# The flags step may read the app and the configuration, and every variable
# (the configuration decides which it names); it cannot write, connect, load
# a library or start a program, and it prints names, never values.
line=$("$deno" run --no-prompt --allow-read="$app_dir,$config" --allow-env \
  main.ts flags --config "$config" --command "$command" --deno "$deno")

# The line is built with every word shell-quoted (permissions/launch.ts).
eval "exec $line"
