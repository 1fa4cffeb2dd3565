#include "joulesweep/worker/datasets/file_digest.hpp"

#include <array>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker {

std::string sha256_of_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw common::StorageError(fmt::format(
            "cannot read {}: {}", path.string(), std::generic_category().message(errno)));
    }
    const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                          &EVP_MD_CTX_free);
    JOULESWEEP_CHECK(context && EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) == 1,
                     "OpenSSL could not start a SHA-256 digest");
    constexpr std::size_t kBlock = 1 << 16;
    std::array<char, kBlock> buffer{};
    while (in) {
        in.read(buffer.data(), buffer.size());
        const auto got = static_cast<std::size_t>(in.gcount());
        JOULESWEEP_CHECK(EVP_DigestUpdate(context.get(), buffer.data(), got) == 1,
                         "SHA-256 update failed");
    }
    if (in.bad()) {
        throw common::StorageError(fmt::format("error reading {}", path.string()));
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    JOULESWEEP_CHECK(EVP_DigestFinal_ex(context.get(), digest.data(), &length) == 1,
                     "SHA-256 final failed");
    std::string hex;
    for (unsigned int index = 0; index < length; ++index) {
        hex += fmt::format("{:02x}", digest.at(index));
    }
    return hex;
}

}  // namespace joulesweep::worker
