// The two scripts Gradescope runs from the zip's root: setup.sh once, when it builds the image;
// run_autograder for every submission. Bash, short, and only the parts that must happen outside
// Node: installing Node, and a results.json even when Node itself cannot start.
import type { KitConfig } from './kitConfig.ts'

/** The Node.js release setup.sh installs: the version this lab is tested on (engines: >=20). */
export const NODE_VERSION = 'v20.20.2'

export function setupScript(): string {
  return `#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image (base image: Ubuntu
# 22.04). It installs Node.js ${NODE_VERSION} from the official Linux tarball on nodejs.org, checked
# against that release's SHASUMS256.txt, then the lab's packages exactly as package-lock.json
# pins them. Dev packages too: grading type-checks each submission with typescript and @types/node.
set -euo pipefail
NODE_VERSION=${NODE_VERSION}
SOURCE="\${AUTOGRADER_ROOT:-/autograder}/source"

export DEBIAN_FRONTEND=noninteractive
apt-get update
# curl for the download; iproute2's ip brings up the sandbox's private loopback (real-mode tests).
apt-get install -y --no-install-recommends ca-certificates curl iproute2 util-linux

case "$(uname -m)" in
  x86_64) ARCH=x64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) echo "setup.sh: no Node.js build for CPU $(uname -m)" >&2; exit 1 ;;
esac
TARBALL="node-$NODE_VERSION-linux-$ARCH.tar.gz"
WORK="$(mktemp -d)"
curl -fsSL -o "$WORK/$TARBALL" "https://nodejs.org/dist/$NODE_VERSION/$TARBALL"
curl -fsSL -o "$WORK/SHASUMS256.txt" "https://nodejs.org/dist/$NODE_VERSION/SHASUMS256.txt"
(cd "$WORK" && grep " $TARBALL\\$" SHASUMS256.txt | sha256sum -c -)
tar -xzf "$WORK/$TARBALL" -C /usr/local --strip-components=1 --no-same-owner --exclude='*.md' --exclude=LICENSE
rm -rf "$WORK"
node --version

cd "$SOURCE"
npm ci --no-audit --no-fund
chmod +x run_autograder
echo "setup.sh: the distlab autograder is ready"
`
}

/** run_autograder; `config` fixes its outer time limit: a minute past the one grading keeps itself. */
export function runScript(config: KitConfig): string {
  const fallback = JSON.stringify({
    score: 0,
    output: 'The autograder could not run (RUN_FAILED). This is not a verdict on your code: please tell your instructor, who can see the autograder\'s log. Your score is 0 until it is regraded.',
    output_format: 'text',
    visibility: 'visible',
    stdout_visibility: config.stdoutVisibility,
    tests: [],
  })
  return `#!/usr/bin/env bash
# Gradescope runs this for every submission (working directory /autograder). It grades
# $ROOT/submission with the ${config.assignment} grader (lab/autograder/main.ts, under a time limit)
# and always leaves $ROOT/results/results.json: if Node cannot even start, it writes one here.
# AUTOGRADER_ROOT (default /autograder) grades a copy of that layout instead: docs/gradescope.md.
set -u
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
export AUTOGRADER_ROOT="$ROOT" FORCE_COLOR=0 NO_COLOR=1
status=0
if cd "$ROOT/source"; then
  timeout --kill-after=15 ${config.timeLimit + 60} node --import tsx lab/autograder/main.ts || status=$?
else
  status=127
fi
if [ ! -s "$RESULTS" ]; then
  echo "run_autograder: grading ended with status $status and wrote no results; writing a score of 0" >&2
  printf '%s\\n' '${fallback.replace(/'/g, "'\\''")}' | sed "s/RUN_FAILED/exit status $status/" > "$RESULTS"
fi
exit 0
`
}
