#!/usr/bin/env bash
# The main job (what `npm start` runs after setup and build): execute the demo notebook headless
# with `ai4eo run`, export it as one self-contained interactive HTML page with `ai4eo export --html`,
# and print the page's path. Outputs go to build/report/ (git-ignored); the tutorial itself is not
# modified. Usage: bash scripts/main-job.sh [NOTEBOOK.ipynb]   (default notebooks/01-quick-tour.ipynb)
set -euo pipefail
cd "$(dirname "$0")/.."

nb="${1:-notebooks/01-quick-tour.ipynb}"
name="$(basename "$nb" .ipynb)"
out="build/report"
mkdir -p "$out"

# The kernel runs with the notebook's folder as working folder, so relative data paths in the
# tutorial keep working; the executed copy is written to build/report/.
node bin/ai4eo.js run "$nb" -o "$out/$name.ipynb" --timeout 600
node bin/ai4eo.js export "$out/$name.ipynb" --html "$out/$name.html" --title "ai4eo — $name"

report="$(cd "$out" && pwd)/$name.html"
echo
echo "Interactive report: $report"
echo "Open it in a browser (it works offline: file://$report)."
