#include "joulesweep/common/text.hpp"

#include <string>
#include <string_view>

namespace joulesweep::common {

std::string single_line(std::string_view text) {
    std::string line;
    bool pending_space = false;
    for (const char character : text) {
        if (character == '\n' || character == '\t' || character == '\r' || character == ' ') {
            pending_space = !line.empty();
            continue;
        }
        if (pending_space) {
            line.push_back(' ');
            pending_space = false;
        }
        line.push_back(character);
    }
    return line;
}

}  // namespace joulesweep::common
