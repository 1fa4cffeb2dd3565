#include "text_files.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <zlib.h>

namespace joulesweep::testing {

std::filesystem::path write_text_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out.flush()) {
        throw std::runtime_error("cannot write " + path.string());
    }
    return path;
}

std::filesystem::path write_gzip_file(const std::filesystem::path& path, const std::string& text) {
    gzFile file = gzopen(path.c_str(), "wb");
    if (file == nullptr) {
        throw std::runtime_error("cannot create " + path.string());
    }
    const bool written = gzwrite(file, text.data(), static_cast<unsigned>(text.size())) ==
                         static_cast<int>(text.size());
    if (gzclose(file) != Z_OK || !written) {
        throw std::runtime_error("cannot write " + path.string());
    }
    return path;
}

}  // namespace joulesweep::testing
