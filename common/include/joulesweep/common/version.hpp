#pragma once
// The version of joulesweep and of every library it was built with: printed by
// `joulesweep --version` and stored with every run as its software provenance.

#include <string>
#include <string_view>
#include <vector>

namespace joulesweep::common {

// The release number, e.g. "0.1.0".
std::string_view version() noexcept;

// `git describe` of the built tree, e.g. "3f2a1b0c9d8e-dirty"; "unknown" outside git.
std::string_view git_revision() noexcept;

struct ComponentVersion {
    std::string name;     // e.g. "HDF5"
    std::string version;  // e.g. "1.10.8"
};

// Libraries that common/ links: MPI and HDF5, as reported by the libraries at run time.
std::vector<ComponentVersion> common_component_versions();

}  // namespace joulesweep::common
