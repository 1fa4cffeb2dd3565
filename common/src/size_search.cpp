#include "joulesweep/common/size_search.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/seed_mix.hpp"

namespace joulesweep::common {
namespace {

// The numbers inside "name(a, b)", or an empty list for "name".
std::vector<double> arguments_of(std::string_view text, std::string_view name) {
    std::vector<double> values;
    std::string_view rest = text.substr(name.size());
    if (rest.empty()) {
        return values;
    }
    if (rest.front() != '(' || rest.back() != ')') {
        throw ConfigError(fmt::format("failure rule '{}': expected {}(...)", text, name));
    }
    rest = rest.substr(1, rest.size() - 2);
    while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        while (!item.empty() && item.front() == ' ') {
            item.remove_prefix(1);
        }
        while (!item.empty() && item.back() == ' ') {
            item.remove_suffix(1);
        }
        double value = 0.0;
        const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), value);
        if (error != std::errc() || end != item.data() + item.size() || !std::isfinite(value)) {
            throw ConfigError(fmt::format("failure rule '{}': '{}' is not a number", text, item));
        }
        values.push_back(value);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return values;
}

bool is_count(double value) {
    return value >= 1 && value <= 1e9 && std::floor(value) == value;
}

}  // namespace

std::string FailureRule::text() const {
    switch (kind) {
        case FailureKind::kProportional:
            return fmt::format("proportional({}, {})", min_delta, patience);
        case FailureKind::kFull:
            return "full";
        case FailureKind::kCap:
            return fmt::format("cap({})", epoch_cap);
        case FailureKind::kCostCap:
            return fmt::format("cost_cap({})", cost_factor);
    }
    return "unknown";
}

FailureRule parse_failure_rule(std::string_view text) {
    const std::string_view name = text.substr(0, text.find('('));
    const auto kind = kFailureKindNames.find(name);
    if (!kind) {
        throw ConfigError(fmt::format(
            "failure rule '{}': expected proportional(DELTA, PATIENCE), full, cap(EPOCHS) or "
            "cost_cap(FACTOR)",
            text));
    }
    const std::vector<double> values = arguments_of(text, name);
    FailureRule rule;
    rule.kind = *kind;
    const auto require = [&text](bool holds, std::string_view problem) {
        if (!holds) {
            throw ConfigError(fmt::format("failure rule '{}': {}", text, problem));
        }
    };
    switch (*kind) {
        case FailureKind::kProportional:
            require(values.size() == 2, "proportional takes (DELTA, PATIENCE)");
            require(values[0] >= 0 && values[0] < 1, "DELTA must be in [0, 1)");
            require(values[1] >= 0 && values[1] <= 1e9 && std::floor(values[1]) == values[1],
                    "PATIENCE must be a whole number of epochs, 0 or more");
            rule.min_delta = values[0];
            rule.patience = static_cast<int>(values[1]);
            break;
        case FailureKind::kFull:
            require(values.empty(), "full takes no arguments");
            break;
        case FailureKind::kCap:
            require(values.size() == 1 && is_count(values[0]),
                    "cap takes (EPOCHS), a whole number of epochs, 1 or more");
            rule.epoch_cap = static_cast<int>(values[0]);
            break;
        case FailureKind::kCostCap:
            require(values.size() == 1 && values[0] >= 1, "cost_cap takes (FACTOR), 1 or more");
            rule.cost_factor = values[0];
            break;
    }
    return rule;
}

AttemptMonitor::AttemptMonitor(const FailureRule& rule,
                               double target,
                               int epoch_cap,
                               std::optional<double> reference_j)
    : rule_(rule), target_(target), epoch_cap_(epoch_cap), reference_j_(reference_j) {
    if (rule_.kind == FailureKind::kCap) {
        epoch_cap_ = std::min(epoch_cap_, rule_.epoch_cap);
    }
}

std::optional<AttemptOutcome> AttemptMonitor::after_epoch(float loss, double attempt_j) {
    ++epoch_;
    const bool finite = std::isfinite(loss);
    if (finite) {
        best_ = std::min(best_, static_cast<double>(loss));
    }
    if (best_ <= target_) {
        return AttemptOutcome::kReached;
    }
    if (!finite) {
        return AttemptOutcome::kDiverged;  // training stops at a NaN or infinite loss
    }
    if (rule_.kind == FailureKind::kProportional) {
        if (static_cast<double>(loss) < rule_best_ * (1.0 - rule_.min_delta) ||
            rule_best_ == kUnreached) {
            rule_best_ = loss;
            wait_ = 0;
        } else if (++wait_ >= std::max(rule_.patience, 1)) {
            return AttemptOutcome::kFailedTrigger;
        }
    }
    if (rule_.kind == FailureKind::kCostCap && reference_j_ &&
        attempt_j > rule_.cost_factor * *reference_j_) {
        return AttemptOutcome::kFailedTrigger;
    }
    if (epoch_ >= epoch_cap_) {
        return AttemptOutcome::kFailedCap;
    }
    return std::nullopt;
}

std::vector<std::int64_t> size_ladder(const SearchSpec& spec) {
    if (!(spec.ladder_factor > 1.0) || !std::isfinite(spec.ladder_factor)) {
        throw ConfigError(
            fmt::format("search: ladder factor {} must be above 1", spec.ladder_factor));
    }
    if (spec.start_size < 1 || spec.start_size > spec.max_size) {
        throw ConfigError(
            fmt::format("search: start size {} must be 1 or more and at most the "
                        "maximum size {}",
                        spec.start_size,
                        spec.max_size));
    }
    std::vector<std::int64_t> ladder;
    for (int step = 0;; ++step) {
        const double size =
            std::floor(static_cast<double>(spec.start_size) * std::pow(spec.ladder_factor, step));
        if (size > static_cast<double>(spec.max_size)) {
            break;
        }
        const auto whole = static_cast<std::int64_t>(size);
        if (ladder.empty() || ladder.back() != whole) {
            ladder.push_back(whole);
        }
    }
    return ladder;
}

SearchOutcome replay_search(
    const SearchSpec& spec,
    const std::function<std::optional<StoredAttempt>(std::int64_t size)>& stored,
    std::optional<double> reference_j) {
    SearchOutcome outcome;
    int attempt = 0;
    for (const std::int64_t size : size_ladder(spec)) {
        AttemptRecord record;
        record.attempt = attempt++;
        record.size = size;
        const std::optional<StoredAttempt> run = stored(size);
        if (!run) {
            outcome.attempts.push_back(record);  // skipped, at no cost
            continue;
        }
        AttemptMonitor monitor(spec.failure, spec.target, spec.epoch_cap, reference_j);
        const RunHistory& history = run->history;
        const std::size_t stored_epochs = history.monitored_loss.size();
        std::optional<AttemptOutcome> ended;
        for (std::size_t epoch = 0; epoch < stored_epochs && !ended; ++epoch) {
            record.net_j += static_cast<double>(history.net_j[epoch]);
            record.gross_j += static_cast<double>(history.gross_j[epoch]);
            ended = monitor.after_epoch(history.monitored_loss[epoch], record.net_j);
        }
        if (!ended) {
            // The stored arrays ended first: the run diverged there, or was trained for
            // fewer epochs than the cap.
            ended = run->diverged ? AttemptOutcome::kDiverged : AttemptOutcome::kFailedCap;
        }
        record.outcome = *ended;
        record.epochs = monitor.epochs();
        record.best_loss = monitor.best_loss();
        record.flops = history.flops_per_epoch * record.epochs;
        outcome.net_j += record.net_j;
        outcome.gross_j += record.gross_j;
        outcome.flops += record.flops;
        outcome.epochs += record.epochs;
        outcome.attempts.push_back(record);
        if (record.outcome == AttemptOutcome::kReached) {
            outcome.size_found = size;
            break;
        }
    }
    return outcome;
}

SearchSpec search_spec_of(const ExperimentConfig& config) {
    if (config.kind != WorkKind::kSearch) {
        throw ConfigError(
            fmt::format("the experiment is a {}, not a search", field_text(config.kind)));
    }
    validate(config);
    SearchSpec spec;
    spec.target = config.search_target;
    spec.ladder_factor = config.search_ladder;
    spec.start_size = config.size;
    spec.max_size = config.search_max_size;
    spec.epoch_cap = config.epochs;
    spec.failure = parse_failure_rule(config.search_failure);
    return spec;
}

std::int64_t attempt_seed(std::int64_t seed, int attempt) noexcept {
    constexpr std::uint64_t kPositive = 0x7FFFFFFFFFFFFFFFULL;  // seeds are stored as bigint
    // Stream attempt + 1: attempt 0 is not the run's own seed.
    return static_cast<std::int64_t>(
        mix_seed(static_cast<std::uint64_t>(seed), static_cast<std::uint64_t>(attempt) + 1) &
        kPositive);
}

}  // namespace joulesweep::common
