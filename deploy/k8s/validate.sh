#!/usr/bin/env bash
# Validates every manifest under deploy/k8s/ against the Kubernetes API's
# schemas, offline and strictly (unknown fields are errors), with PyPI's
# kubernetes-validate, which carries the schemas. Installs it in a virtual
# environment under ~/.cache on first use.
#
#   deploy/k8s/validate.sh            # what scripts/test runs
set -euo pipefail
cd "$(dirname "$0")"

version=1.37.0
venv="${XDG_CACHE_HOME:-$HOME/.cache}/ligerito/kubernetes-validate-$version"
if [[ ! -x "$venv/bin/kubernetes-validate" ]]; then
  echo "k8s: installing kubernetes-validate $version in $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$version"
fi
mapfile -t manifests < <(find . -name '*.yaml' | sort)
"$venv/bin/kubernetes-validate" --strict --quiet "${manifests[@]}"
echo "k8s: ${#manifests[@]} manifests valid for Kubernetes $version" >&2
