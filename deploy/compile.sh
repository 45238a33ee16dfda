#!/bin/sh
# Builds the single binary with the same permission flags the launcher uses.
# Not verified here: deno compile downloads a runtime this network refuses.
#
# Usage: deploy/compile.sh CONFIG [OUTPUT]    (OUTPUT defaults to dist/autofocus)
set -eu

config=${1:?usage: compile.sh CONFIG [OUTPUT]}
output=${2:-dist/autofocus}
deno=${DENO:-deno}
app_dir=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
cd "$app_dir"

line=$("$deno" run --no-prompt --allow-read="$app_dir,$config" --allow-env \
  main.ts flags --config "$config" --command serve --deno "$deno" \
  --compile --output "$output")
eval "$line"
