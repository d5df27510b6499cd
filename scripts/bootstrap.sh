# Sourced by scripts/demo and scripts/test: install what the project needs, from
# the lock files only. Safe to run again: each step is a no-op when up to date.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v uv >/dev/null 2>&1; then
  echo "==> installing uv from PyPI"
  python3 -m pip install --quiet --user uv || python3 -m pip install --quiet --break-system-packages --user uv
  export PATH="$HOME/.local/bin:$PATH"
fi

echo "==> Python dependencies (uv.lock)"
uv sync --frozen --quiet

echo "==> front-end packages (package-lock.json)"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
