#include "fake_sysfs.hpp"

#include <fstream>
#include <stdexcept>

namespace joulesweep::testing {
namespace {

void write_file(const std::filesystem::path& file, const std::string& text) {
    std::filesystem::create_directories(file.parent_path());
    // Rewritten in place (not replaced), as the kernel does, so open files see it.
    std::ofstream stream(file, std::ios::in | std::ios::out | std::ios::trunc);
    if (!stream) {
        std::ofstream create(file);
        create << text;
        if (!create) {
            throw std::runtime_error("cannot write " + file.string());
        }
        return;
    }
    stream << text;
}

}  // namespace

std::filesystem::path FakeSysfs::add_zone(const std::string& zone,
                                          const std::string& name,
                                          std::uint64_t energy_uj,
                                          std::optional<std::uint64_t> max_energy_range_uj) {
    std::filesystem::path directory = sys_ / "class" / "powercap" / zone;
    write_file(directory / "name", name + "\n");
    write_file(directory / "energy_uj", std::to_string(energy_uj) + "\n");
    if (max_energy_range_uj) {
        write_file(directory / "max_energy_range_uj", std::to_string(*max_energy_range_uj) + "\n");
    }
    return directory;
}

void FakeSysfs::set_energy(const std::string& zone, std::uint64_t energy_uj) const {
    write_file(sys_ / "class" / "powercap" / zone / "energy_uj", std::to_string(energy_uj) + "\n");
}

void FakeSysfs::write(const std::filesystem::path& relative, const std::string& text) const {
    write_file(sys_ / relative, text);
}

void FakeSysfs::write_proc(const std::filesystem::path& relative, const std::string& text) const {
    write_file(proc_ / relative, text);
}

}  // namespace joulesweep::testing
