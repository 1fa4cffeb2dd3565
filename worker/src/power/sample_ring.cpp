#include "joulesweep/worker/power/sample_ring.hpp"

#include <algorithm>
#include <climits>
#include <ctime>
#include <new>

#include <fmt/format.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker::power {
namespace {

constexpr std::size_t kDomainNameSize = 32;

static_assert(std::atomic<std::int64_t>::is_always_lock_free &&
                  std::atomic<double>::is_always_lock_free &&
                  std::atomic<std::uint64_t>::is_always_lock_free,
              "the ring is shared between processes: its atomics must be lock-free");

struct Slot {
    std::atomic<std::int64_t> time_ns;
    std::atomic<double> busy_cpu_s;
    std::array<std::atomic<double>, kMaxMeterDomains> energy_j;
    std::atomic<std::int64_t> wraps;
    std::atomic<std::int64_t> unknown_intervals;
    std::atomic<std::int64_t> wall_time_ns;
    std::atomic<double> wall_energy_j;
    std::atomic<std::int64_t> wall_unknown_intervals;
};

static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t) &&
                  std::atomic<std::uint32_t>::is_always_lock_free,
              "the request count doubles as a futex word");

std::uint32_t* futex_word(std::atomic<std::uint32_t>& word) {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the futex syscall's view
    return reinterpret_cast<std::uint32_t*>(&word);
}

}  // namespace

struct SampleRing::Layout {
    std::atomic<std::uint64_t> appended{0};
    std::atomic<std::uint32_t> requests{0};  // a futex word: shared between processes
    std::atomic<std::int32_t> described{0};
    // Written once before `described` is set; read only after it is seen set.
    std::int16_t source = 0;
    std::int32_t domain_count = 0;
    std::array<std::array<char, kDomainNameSize>, kMaxMeterDomains> domain_names{};
    std::int32_t has_idle = 0;
    // Atomics: the meter measures the idle power again during a job (the idle window).
    std::array<std::atomic<double>, kMaxMeterDomains> idle_w{};
    std::array<double, kMaxMeterDomains> unit_j{};
    double period_s = 0.0;
    std::int32_t under_hypervisor = 0;
    std::int16_t wall_source = 0;  // 0: none
    // The idle window: runs of the node in progress, and whether the meter holds the
    // window open (no run may start). Sequentially consistent: a rank increments the
    // count and then reads the flag, the meter sets the flag and then reads the count,
    // so at least one of them sees the other.
    std::atomic<std::int32_t> runs_in_progress{0};
    std::atomic<std::int32_t> idle_window_open{0};
    std::array<Slot, kRingCapacity> slots;
};

std::size_t SampleRing::bytes_needed() noexcept {
    return sizeof(Layout);
}

SampleRing SampleRing::create(void* memory) {
    return SampleRing(new (memory) Layout);
}

SampleRing SampleRing::attach(void* memory) noexcept {
    return SampleRing(static_cast<Layout*>(memory));
}

void SampleRing::describe(const MeterDescription& description) {
    if (description.domains.empty() || description.domains.size() > kMaxMeterDomains) {
        throw common::PowerError(fmt::format("a meter reports 1 to {} domains, this one {}",
                                             kMaxMeterDomains,
                                             description.domains.size()));
    }
    layout_->source = static_cast<std::int16_t>(description.source);
    layout_->domain_count = static_cast<std::int32_t>(description.domains.size());
    for (std::size_t domain = 0; domain < description.domains.size(); ++domain) {
        auto& name = layout_->domain_names.at(domain);
        const std::string& text = description.domains[domain];
        std::fill(name.begin(), name.end(), '\0');
        std::copy_n(text.begin(), std::min(text.size(), kDomainNameSize - 1), name.begin());
        layout_->idle_w.at(domain).store(
            description.idle_w.empty() ? 0.0 : description.idle_w.at(domain),
            std::memory_order_relaxed);
        layout_->unit_j.at(domain) =
            description.unit_j.empty() ? 0.0 : description.unit_j.at(domain);
    }
    layout_->has_idle = description.idle_w.empty() ? 0 : 1;
    layout_->period_s = description.period_s;
    layout_->under_hypervisor = description.under_hypervisor ? 1 : 0;
    layout_->wall_source = description.wall_source
                               ? static_cast<std::int16_t>(*description.wall_source)
                               : std::int16_t{0};
    layout_->described.store(1, std::memory_order_release);
}

void SampleRing::append(const EnergySample& sample) {
    const std::uint64_t index = layout_->appended.load(std::memory_order_relaxed);
    Slot& slot = layout_->slots.at(index % kRingCapacity);
    slot.time_ns.store(sample.time_ns, std::memory_order_relaxed);
    slot.busy_cpu_s.store(sample.busy_cpu_s, std::memory_order_relaxed);
    for (std::size_t domain = 0; domain < kMaxMeterDomains; ++domain) {
        slot.energy_j.at(domain).store(sample.energy_j.at(domain), std::memory_order_relaxed);
    }
    slot.wraps.store(sample.wraps, std::memory_order_relaxed);
    slot.unknown_intervals.store(sample.unknown_intervals, std::memory_order_relaxed);
    slot.wall_time_ns.store(sample.wall_time_ns, std::memory_order_relaxed);
    slot.wall_energy_j.store(sample.wall_energy_j, std::memory_order_relaxed);
    slot.wall_unknown_intervals.store(sample.wall_unknown_intervals, std::memory_order_relaxed);
    layout_->appended.store(index + 1, std::memory_order_release);
}

bool SampleRing::wait_for_request(std::uint32_t& seen, std::chrono::nanoseconds timeout) const {
    if (layout_->requests.load(std::memory_order_acquire) == seen && timeout.count() > 0) {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
        const timespec relative{static_cast<time_t>(seconds.count()),
                                static_cast<long>((timeout - seconds).count())};
        // Not FUTEX_PRIVATE: the word is in memory other processes map. EAGAIN (the count
        // moved before the wait), EINTR and ETIMEDOUT all just mean "look again".
        syscall(SYS_futex, futex_word(layout_->requests), FUTEX_WAIT, seen, &relative, nullptr, 0);
    }
    const std::uint32_t now = layout_->requests.load(std::memory_order_acquire);
    if (now == seen) {
        return false;
    }
    seen = now;
    return true;
}

void SampleRing::request_sample() const {
    layout_->requests.fetch_add(1, std::memory_order_release);
    syscall(SYS_futex, futex_word(layout_->requests), FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

bool SampleRing::try_begin_run() const {
    layout_->runs_in_progress.fetch_add(1);
    if (layout_->idle_window_open.load() == 0) {
        return true;
    }
    layout_->runs_in_progress.fetch_sub(1);
    return false;
}

void SampleRing::end_run() const {
    layout_->runs_in_progress.fetch_sub(1);
}

void SampleRing::open_idle_window() {
    layout_->idle_window_open.store(1);
}

bool SampleRing::node_idle() const {
    return layout_->runs_in_progress.load() == 0;
}

void SampleRing::close_idle_window(const std::vector<double>& idle_w) {
    for (std::size_t domain = 0; domain < idle_w.size() && domain < kMaxMeterDomains; ++domain) {
        layout_->idle_w.at(domain).store(idle_w[domain], std::memory_order_relaxed);
    }
    layout_->idle_window_open.store(0);
}

std::optional<MeterDescription> SampleRing::description() const {
    if (layout_->described.load(std::memory_order_acquire) == 0) {
        return std::nullopt;
    }
    MeterDescription description;
    description.source = static_cast<PowerSourceKind>(layout_->source);
    for (std::int32_t domain = 0; domain < layout_->domain_count; ++domain) {
        const auto& name = layout_->domain_names.at(static_cast<std::size_t>(domain));
        description.domains.emplace_back(name.data());
        if (layout_->has_idle != 0) {
            description.idle_w.push_back(layout_->idle_w.at(static_cast<std::size_t>(domain))
                                             .load(std::memory_order_relaxed));
        }
        description.unit_j.push_back(layout_->unit_j.at(static_cast<std::size_t>(domain)));
    }
    description.period_s = layout_->period_s;
    description.under_hypervisor = layout_->under_hypervisor != 0;
    if (layout_->wall_source != 0) {
        description.wall_source = static_cast<PowerSourceKind>(layout_->wall_source);
    }
    return description;
}

std::optional<std::int64_t> SampleRing::newest_time_ns() const {
    const std::uint64_t appended = layout_->appended.load(std::memory_order_acquire);
    if (appended == 0) {
        return std::nullopt;
    }
    return layout_->slots.at((appended - 1) % kRingCapacity)
        .time_ns.load(std::memory_order_relaxed);
}

std::vector<EnergySample> SampleRing::covering(std::int64_t from_ns, std::int64_t to_ns) const {
    const std::uint64_t appended = layout_->appended.load(std::memory_order_acquire);
    if (appended == 0) {
        return {};
    }
    const auto time_of = [this](std::uint64_t index) {
        return layout_->slots.at(index % kRingCapacity).time_ns.load(std::memory_order_relaxed);
    };
    const std::uint64_t oldest = appended > kRingCapacity ? appended - kRingCapacity : 0;
    // The first sample after from_ns, then step back one to the last at or before it.
    std::uint64_t low = oldest;
    std::uint64_t high = appended;
    while (low < high) {
        const std::uint64_t middle = low + ((high - low) / 2);
        (time_of(middle) <= from_ns ? low = middle + 1 : high = middle);
    }
    const std::uint64_t begin = low > oldest ? low - 1 : oldest;
    high = appended;
    while (low < high) {
        const std::uint64_t middle = low + ((high - low) / 2);
        (time_of(middle) < to_ns ? low = middle + 1 : high = middle);
    }
    const std::uint64_t end = std::min(low + 1, appended);

    std::vector<EnergySample> samples;
    samples.reserve(end - begin);
    for (std::uint64_t index = begin; index < end; ++index) {
        const Slot& slot = layout_->slots.at(index % kRingCapacity);
        EnergySample sample;
        sample.time_ns = slot.time_ns.load(std::memory_order_relaxed);
        sample.busy_cpu_s = slot.busy_cpu_s.load(std::memory_order_relaxed);
        for (std::size_t domain = 0; domain < kMaxMeterDomains; ++domain) {
            sample.energy_j.at(domain) = slot.energy_j.at(domain).load(std::memory_order_relaxed);
        }
        sample.wraps = slot.wraps.load(std::memory_order_relaxed);
        sample.unknown_intervals = slot.unknown_intervals.load(std::memory_order_relaxed);
        sample.wall_time_ns = slot.wall_time_ns.load(std::memory_order_relaxed);
        sample.wall_energy_j = slot.wall_energy_j.load(std::memory_order_relaxed);
        sample.wall_unknown_intervals = slot.wall_unknown_intervals.load(std::memory_order_relaxed);
        samples.push_back(sample);
    }
    // The writer may have lapped the oldest slots while they were copied: drop those.
    std::atomic_thread_fence(std::memory_order_acquire);
    const std::uint64_t now = layout_->appended.load(std::memory_order_relaxed);
    const std::uint64_t safe = now + 1 > kRingCapacity ? now + 1 - kRingCapacity : 0;
    if (safe > begin) {
        samples.erase(samples.begin(),
                      samples.begin() + static_cast<std::ptrdiff_t>(
                                            std::min<std::uint64_t>(safe - begin, samples.size())));
    }
    return samples;
}

}  // namespace joulesweep::worker::power
