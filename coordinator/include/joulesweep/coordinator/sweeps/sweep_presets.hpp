#pragma once
// BUTTER's eight published sweeps as built-in sweep files (butter-spec section 1.5), so
// `joulesweep enqueue --preset primary` regenerates one without writing a file.

#include <optional>
#include <string_view>
#include <vector>

namespace joulesweep::coordinator {

// primary, 300_epoch, 30k_epoch, learning_rate, label_noise, batch_size, regularization,
// optimizer.
std::vector<std::string_view> preset_names();

// The preset's sweep file text (YAML, the same format as user files), or nullopt.
std::optional<std::string_view> preset_text(std::string_view name);

// One line on what the preset varies and over what, or nullopt.
std::optional<std::string_view> preset_summary(std::string_view name);

}  // namespace joulesweep::coordinator
