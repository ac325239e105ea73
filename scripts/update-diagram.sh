#!/usr/bin/env bash
# Redraws docs/topology.svg, the README's picture of the topology, from the offline plan of an
# environment (the same diagram `npm run plan -- --diagram FILE` writes; no AWS account needed).
#
#   scripts/update-diagram.sh            rewrite docs/topology.svg from the plan of prod
#   scripts/update-diagram.sh --check    exit 1 if docs/topology.svg is not the current diagram
#   PLATFORM_ENV=staging scripts/update-diagram.sh    plan another environment
#
# Run it after changing the environment or the components, and commit the SVG with the change;
# the PR's plan comment says when the committed picture is stale.
set -euo pipefail
cd "$(dirname "$0")/.."

environment="${PLATFORM_ENV:-prod}"
target=docs/topology.svg
check=false
case "${1:-}" in
  "") ;;
  --check) check=true ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# Exit 1 means "planned, with a mandatory violation": the topology is drawn all the same.
status=0
npm run --silent plan -- --env "$environment" --diagram "$scratch/topology.svg" > "$scratch/plan.log" 2>&1 || status=$?
if [ "$status" -gt 1 ] || [ ! -s "$scratch/topology.svg" ]; then
  cat "$scratch/plan.log" >&2
  echo "update-diagram: the plan of $environment drew no diagram (exit $status)" >&2
  exit 2
fi

if [ "$check" = true ]; then
  if [ -f "$target" ] && cmp -s "$scratch/topology.svg" "$target"; then
    echo "$target is current"
    exit 0
  fi
  echo "$target is stale: run scripts/update-diagram.sh and commit it" >&2
  exit 1
fi

mkdir -p "$(dirname "$target")"
cp "$scratch/topology.svg" "$target"
echo "wrote $target (plan of $environment)"
