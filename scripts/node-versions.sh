#!/usr/bin/env bash
# Runs the test suite on the other Node versions users run — 22 and 24 (LTS) — after CI has run the
# whole suite on the machine's Node 20. Each Node comes from the npm registry itself
# (`npm pack node-linux-<arch>@<major>`: a tarball whose package/bin/node runs here), cached under
# $TMPDIR. Left out on these versions: the Docker end-to-end suite (test/e2e) and the docker-compose
# oracle (test/compose/oracle), which test the Docker engine and an external Compose implementation
# rather than Node, and take most of the suite's time; everything else runs, the stranger test
# (test/stranger: npm pack, install, init, cdk synth, the review workflow) included.
#
#   bash scripts/node-versions.sh            # 22 and 24
#   NODE_MAJORS=24 bash scripts/node-versions.sh
set -euo pipefail
cd "$(dirname "$0")/.."

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "node-versions: no node-linux package for $(uname -m)" >&2; exit 2 ;;
esac

for major in ${NODE_MAJORS:-22 24}; do
  dir="${TMPDIR:-/tmp}/beanstack-node-$arch-$major"
  if [ ! -x "$dir/package/bin/node" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    tgz=$(cd "$dir" && npm pack "node-linux-$arch@$major" --silent)
    tar xzf "$dir/$tgz" -C "$dir" && rm -f "$dir/$tgz"
  fi
  echo "== tests on Node $("$dir/package/bin/node" --version) (less test/e2e and test/compose/oracle)"
  PATH="$dir/package/bin:$PATH" node node_modules/jest/bin/jest.js \
    --testPathIgnorePatterns '/node_modules/' '<rootDir>/test/corpus/' '<rootDir>/test/e2e/' '<rootDir>/test/compose/oracle/'
done
