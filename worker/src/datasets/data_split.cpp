#include "joulesweep/worker/datasets/data_split.hpp"

#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/worker/random_stream.hpp"

namespace joulesweep::worker {
namespace {

DataPart gather(const PreparedDataset& dataset,
                const std::vector<std::size_t>& order,
                std::size_t first,
                std::size_t count) {
    const auto inputs = static_cast<std::size_t>(dataset.input_width);
    const auto outputs = static_cast<std::size_t>(dataset.output_width);
    DataPart part;
    part.rows = count;
    part.inputs.reserve(count * inputs);
    part.targets.reserve(count * outputs);
    for (std::size_t index = first; index < first + count; ++index) {
        const std::size_t row = order[index];
        const auto input_begin = dataset.inputs.begin() + static_cast<std::ptrdiff_t>(row * inputs);
        part.inputs.insert(
            part.inputs.end(), input_begin, input_begin + static_cast<std::ptrdiff_t>(inputs));
        const auto target_begin =
            dataset.targets.begin() + static_cast<std::ptrdiff_t>(row * outputs);
        part.targets.insert(
            part.targets.end(), target_begin, target_begin + static_cast<std::ptrdiff_t>(outputs));
    }
    return part;
}

// floor(rows x noise) distinct rows, drawn without replacement.
std::vector<std::size_t> noisy_rows(std::size_t rows, double noise, RandomStream& random) {
    std::vector<std::size_t> all(rows);
    std::iota(all.begin(), all.end(), std::size_t{0});
    random.shuffle(all);
    all.resize(static_cast<std::size_t>(std::floor(static_cast<double>(rows) * noise)));
    return all;
}

void add_label_noise(
    DataPart& train, common::Task task, std::size_t outputs, double noise, RandomStream& random) {
    if (noise <= 0 || train.rows == 0) {
        return;
    }
    float* targets = train.targets.data();
    switch (task) {
        case common::Task::kBinary:
            for (const std::size_t row : noisy_rows(train.rows, noise, random)) {
                targets[row] = 1.0F - targets[row];
            }
            break;
        case common::Task::kClassification:
            JOULESWEEP_CHECK(outputs >= 2, "a classification target has at least 2 classes");
            for (const std::size_t row : noisy_rows(train.rows, noise, random)) {
                float* hot = targets + (row * outputs);
                std::size_t current = 0;
                while (current < outputs && hot[current] != 1.0F) {
                    ++current;
                }
                const std::size_t offset = 1 + random.below(outputs - 1);
                hot[current] = 0.0F;
                hot[(current + offset) % outputs] = 1.0F;
            }
            break;
        case common::Task::kRegression:
            for (std::size_t column = 0; column < outputs; ++column) {
                double sum = 0;
                double squares = 0;
                for (std::size_t row = 0; row < train.rows; ++row) {
                    const double value = targets[(row * outputs) + column];
                    sum += value;
                    squares += value * value;
                }
                const double mean = sum / static_cast<double>(train.rows);
                const double deviation = std::sqrt(
                    std::max(0.0, (squares / static_cast<double>(train.rows)) - (mean * mean)));
                for (std::size_t row = 0; row < train.rows; ++row) {
                    targets[(row * outputs) + column] +=
                        static_cast<float>(noise * deviation * random.normal());
                }
            }
            break;
    }
}

}  // namespace

DataSplit split_dataset(const PreparedDataset& dataset, const SplitOptions& options) {
    if (options.test_fraction <= 0 || options.validation_fraction < 0 ||
        options.test_fraction + options.validation_fraction >= 1 || options.label_noise < 0 ||
        options.label_noise >= 1) {
        throw common::ConfigError(fmt::format(
            "split of {}: test fraction {} and validation fraction {} must be >= 0 (test > 0) and "
            "sum to less than 1, label noise {} must be in [0, 1)",
            dataset.name,
            options.test_fraction,
            options.validation_fraction,
            options.label_noise));
    }
    const auto rows = static_cast<std::size_t>(dataset.rows);
    const auto test_rows =
        static_cast<std::size_t>(std::ceil(static_cast<double>(rows) * options.test_fraction));
    const auto validation_rows = static_cast<std::size_t>(
        std::ceil(static_cast<double>(rows) * options.validation_fraction));
    if (test_rows + validation_rows >= rows) {
        throw common::ConfigError(fmt::format(
            "split of {}: {} rows leave no training row after {} test and {} validation rows",
            dataset.name,
            rows,
            test_rows,
            validation_rows));
    }
    std::vector<std::size_t> order(rows);
    std::iota(order.begin(), order.end(), std::size_t{0});
    RandomStream split_random(derived_seed(options.seed, RandomPurpose::kSplit));
    split_random.shuffle(order);

    DataSplit split;
    split.test = gather(dataset, order, 0, test_rows);
    split.validation = gather(dataset, order, test_rows, validation_rows);
    split.train =
        gather(dataset, order, test_rows + validation_rows, rows - test_rows - validation_rows);
    RandomStream noise_random(derived_seed(options.seed, RandomPurpose::kLabelNoise));
    add_label_noise(split.train,
                    dataset.task,
                    static_cast<std::size_t>(dataset.output_width),
                    options.label_noise,
                    noise_random);
    return split;
}

}  // namespace joulesweep::worker
