#include "joulesweep/coordinator/sweeps/sweep_presets.hpp"

#include <array>
#include <optional>
#include <string_view>
#include <vector>

namespace joulesweep::coordinator {
namespace {

// Value sets from BUTTER's published description. Where it gives a range of
// repetitions for shapes other than rectangle (300_epoch, 30k_epoch: "0-10"), the
// presets ask for the upper bound. The first 7 datasets listed are BUTTER's "core".

constexpr std::string_view kPrimary = R"yaml(
label: primary
repetitions: 30
grid:
  dataset: [201_pol, 294_satellite_image, 505_tecator, 529_pollen, 537_houses, adult, banana,
            connect_4, mnist, nursery, sleep, splice, wine_quality_white]
  shape: [rectangle, trapezoid, exponential, wide_first_2x, wide_first_4x, wide_first_8x,
          wide_first_16x, rectangle_residual]
  depth: [2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20]
  size: {powers_of_two: [5, 25]}
  learning_rate: 0.0001
  batch_size: 256
  epochs: 3000
)yaml";

constexpr std::string_view k300Epoch = R"yaml(
label: 300_epoch
repetitions: 10
grid:
  dataset: [529_pollen, connect_4, 537_houses, mnist, 201_pol, sleep, wine_quality_white]
  shape: [rectangle, trapezoid, exponential, wide_first_2x]
  depth: [2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20]
  size: {powers_of_two: [25, 27]}
  epochs: 300
)yaml";

constexpr std::string_view k30kEpoch = R"yaml(
label: 30k_epoch
repetitions: 10
grid:
  dataset: [529_pollen, connect_4, 537_houses, mnist, 201_pol, sleep, wine_quality_white]
  shape: [rectangle, trapezoid, exponential, wide_first_2x]
  depth: [2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20]
  size: {powers_of_two: [5, 18]}
  epochs: 30000
)yaml";

constexpr std::string_view kLearningRate = R"yaml(
label: learning_rate
repetitions: 20
grid:
  dataset: [529_pollen, connect_4, 537_houses, mnist, 201_pol, sleep, wine_quality_white, nursery, adult]
  shape: [rectangle, trapezoid, exponential, wide_first_2x]
  depth: [2, 3, 4, 5, 7, 8, 9, 10, 12, 14, 16, 18, 20]
  size: {powers_of_two: [5, 24]}
  learning_rate: [0.01, 0.001, 0.0001, 0.00001]
)yaml";

constexpr std::string_view kLabelNoise = R"yaml(
label: label_noise
repetitions: 30
grid:
  dataset: [529_pollen, connect_4, 537_houses, mnist, 201_pol, sleep, wine_quality_white]
  shape: [rectangle, trapezoid, exponential, wide_first_2x]
  depth: [2, 3, 4, 5, 7, 8, 9, 10, 12, 14, 16, 18, 20]
  size: {powers_of_two: [5, 24]}
  learning_rate: [0.001, 0.0001]
  label_noise: [0, 0.05, 0.1, 0.15, 0.2]
drop_if:
  - {learning_rate: 0.001, label_noise: [0.1, 0.15, 0.2]}
)yaml";

constexpr std::string_view kBatchSize = R"yaml(
label: batch_size
repetitions: 30
grid:
  dataset: [529_pollen, connect_4, 537_houses, mnist, 201_pol, sleep, wine_quality_white, nursery, adult]
  shape: rectangle
  depth: [2, 3, 4, 5, 7, 8, 9, 10]
  size: {powers_of_two: [5, 24]}
  batch_size: [32, 64, 128, 256, 512, 1024]
)yaml";

constexpr std::string_view kRegularization = R"yaml(
sweeps:
  - label: regularization
    repetitions: 30
    grid:
      dataset: [529_pollen, connect_4, 537_houses, mnist, 201_pol, sleep, wine_quality_white, nursery, adult]
      shape: rectangle
      depth: [2, 3, 4, 5, 7, 8, 9, 10]
      size: {powers_of_two: [5, 25]}
      l1: [0, 0.32, 0.16, 0.08, 0.04, 0.02, 0.01, 0.005, 0.0025, 0.00125, 0.000625, 0.0003125,
           0.00015625, 7.8125e-5]
  - label: regularization
    repetitions: 30
    grid:
      dataset: [529_pollen, connect_4, 537_houses, mnist, 201_pol, sleep, wine_quality_white, nursery, adult]
      shape: rectangle
      depth: [2, 3, 4, 5, 7, 8, 9, 10]
      size: {powers_of_two: [5, 25]}
      l2: [0.32, 0.16, 0.08, 0.04, 0.02, 0.01, 0.005, 0.0025, 0.00125, 0.000625, 0.0003125,
           0.00015625, 7.8125e-5]
)yaml";

constexpr std::string_view kOptimizer = R"yaml(
label: optimizer
repetitions: 20
grid:
  dataset: [201_pol, 294_satellite_image, 505_tecator, 529_pollen, 537_houses, adult, banana,
            connect_4, mnist, nursery, sleep, splice, wine_quality_white]
  shape: rectangle
  depth: [2, 3, 4, 5, 6]
  size: {powers_of_two: [5, 24]}
  learning_rate: [0.01, 0.001, 0.0001, 0.00001]
  batch_size: [32, 64, 128, 256]
  optimizer: [adam, rmsprop, sgd]
  momentum: [0, 0.9]
drop_if:
  - {optimizer: adam, momentum: 0.9}
)yaml";

// BUTTER-E's CPU energy batches (make_energy_batch_{2,3,4}): the primary sweep's 13
// datasets and sizes 2^5-2^24 at its training point, one repetition per enqueue, trained
// without reshuffling (their batched tf.data input kept one order every epoch). The GPU
// batches (energy_1, energy_5_*) asked for the same experiments on other hardware, and
// hardware is not part of an experiment here.
constexpr std::string_view kEnergy2Cpu = R"yaml(
label: energy_2_cpu
repetitions: 1
grid:
  dataset: [201_pol, 294_satellite_image, 505_tecator, 529_pollen, 537_houses, adult, banana,
            connect_4, mnist, nursery, sleep, splice, wine_quality_white]
  shape: [rectangle, trapezoid, exponential, wide_first_2x, rectangle_residual]
  depth: [2, 3, 4, 5, 6, 7, 8, 9, 10]
  size: {powers_of_two: [5, 24]}
  shuffle: false
)yaml";

constexpr std::string_view kEnergy3CpuExtraDepths = R"yaml(
label: energy_3_cpu_extra_depths
repetitions: 1
grid:
  dataset: [201_pol, 294_satellite_image, 505_tecator, 529_pollen, 537_houses, adult, banana,
            connect_4, mnist, nursery, sleep, splice, wine_quality_white]
  shape: [rectangle, trapezoid, exponential, wide_first_2x, rectangle_residual]
  depth: [12, 14, 16, 18, 20]
  size: {powers_of_two: [5, 24]}
  shuffle: false
)yaml";

constexpr std::string_view kEnergy4CpuExtraShapes = R"yaml(
label: energy_4_cpu_extra_shapes
repetitions: 1
grid:
  dataset: [201_pol, 294_satellite_image, 505_tecator, 529_pollen, 537_houses, adult, banana,
            connect_4, mnist, nursery, sleep, splice, wine_quality_white]
  shape: [wide_first_4x, wide_first_8x, wide_first_16x]
  depth: [2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20]
  size: {powers_of_two: [5, 24]}
  shuffle: false
)yaml";

struct Preset {
    std::string_view name;
    std::string_view text;
    std::string_view summary;
};

constexpr std::array<Preset, 11> kPresets{{
    {"primary",
     kPrimary,
     "BUTTER's main grid: 13 datasets, 8 shapes, depths 2-20, sizes 2^5-2^25, 3000 epochs"},
    {"300_epoch",
     k300Epoch,
     "the largest networks: 7 datasets, 4 shapes, depths 2-20, sizes 2^25-2^27, 300 epochs"},
    {"30k_epoch",
     k30kEpoch,
     "long training: 7 datasets, 4 shapes, depths 2-20, sizes 2^5-2^18, 30000 epochs"},
    {"learning_rate",
     kLearningRate,
     "learning rates 1e-2 to 1e-5: 9 datasets, 4 shapes, 13 depths, sizes 2^5-2^24"},
    {"label_noise",
     kLabelNoise,
     "label noise 0 to 0.2 at 2 learning rates: 7 datasets, 4 shapes, 13 depths, sizes "
     "2^5-2^24"},
    {"batch_size",
     kBatchSize,
     "batch sizes 32 to 1024: 9 datasets, rectangles of depths 2-10, sizes 2^5-2^24"},
    {"regularization",
     kRegularization,
     "14 L1 and 13 L2 penalties: 9 datasets, rectangles of depths 2-10, sizes 2^5-2^25"},
    {"optimizer",
     kOptimizer,
     "Adam, RMSprop and SGD (momentum 0 or 0.9) x 4 learning rates x 4 batch sizes: 13 "
     "datasets, rectangles of depths 2-6, sizes 2^5-2^24"},
    {"energy_2_cpu",
     kEnergy2Cpu,
     "BUTTER-E: 13 datasets, 5 shapes, depths 2-10, sizes 2^5-2^24, 1 repetition, one batch "
     "order every epoch"},
    {"energy_3_cpu_extra_depths",
     kEnergy3CpuExtraDepths,
     "BUTTER-E: as energy_2_cpu at depths 12-20"},
    {"energy_4_cpu_extra_shapes",
     kEnergy4CpuExtraShapes,
     "BUTTER-E: the wide_first 4x, 8x and 16x shapes at all 14 depths, otherwise as "
     "energy_2_cpu"},
}};

}  // namespace

std::vector<std::string_view> preset_names() {
    std::vector<std::string_view> names;
    names.reserve(kPresets.size());
    for (const Preset& preset : kPresets) {
        names.push_back(preset.name);
    }
    return names;
}

std::optional<std::string_view> preset_text(std::string_view name) {
    for (const Preset& preset : kPresets) {
        if (preset.name == name) {
            return preset.text;
        }
    }
    return std::nullopt;
}

std::optional<std::string_view> preset_summary(std::string_view name) {
    for (const Preset& preset : kPresets) {
        if (preset.name == name) {
            return preset.summary;
        }
    }
    return std::nullopt;
}

}  // namespace joulesweep::coordinator
