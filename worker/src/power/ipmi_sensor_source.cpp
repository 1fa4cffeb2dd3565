#include "joulesweep/worker/power/ipmi_sensor_source.hpp"

#include <filesystem>
#include <mutex>
#include <optional>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <ipmi_monitoring.h>
#include <unistd.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker::power {
namespace {

constexpr int kCipherSuite = 3;

// The library must be initialised once per process, before any context is used.
void initialise_library() {
    static std::once_flag once;
    static int failure = 0;
    std::call_once(once, [] {
        int error = 0;
        if (ipmi_monitoring_init(0, &error) < 0) {
            failure = error == 0 ? -1 : error;
        }
    });
    if (failure != 0) {
        throw common::PowerError(fmt::format("IPMI: cannot initialise libipmimonitoring: {}",
                                             ipmi_monitoring_ctx_strerror(failure)));
    }
}

struct SensorValue {
    unsigned int record_id = 0;
    std::string name;
    double watts = 0.0;
};

}  // namespace

struct IpmiSensorSource::Session {
    ipmi_monitoring_ctx_t context = nullptr;
    ipmi_monitoring_ipmi_config config{};
    std::string cache_directory;
    std::string device;  // config.driver_device points into it

    Session() = default;
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    Session(Session&&) = delete;
    Session& operator=(Session&&) = delete;

    ~Session() {
        if (context != nullptr) {
            ipmi_monitoring_ctx_destroy(context);
        }
    }

    // The sensors in watts among `record_ids` (all when empty).
    std::vector<SensorValue> read_watts(const IpmiTarget& target,
                                        std::vector<unsigned int> record_ids) {
        const char* host = target.out_of_band() ? target.host.c_str() : nullptr;
        const int count = ipmi_monitoring_sensor_readings_by_record_id(
            context,
            host,
            &config,
            IPMI_MONITORING_SENSOR_READING_FLAGS_IGNORE_NON_INTERPRETABLE_SENSORS,
            record_ids.empty() ? nullptr : record_ids.data(),
            static_cast<unsigned int>(record_ids.size()),
            nullptr,
            nullptr);
        if (count < 0) {
            throw common::PowerError(fmt::format("IPMI: cannot read the sensors of {}: {}",
                                                 target.describe(),
                                                 ipmi_monitoring_ctx_errormsg(context)));
        }
        std::vector<SensorValue> values;
        for (int index = 0; index < count; ++index, ipmi_monitoring_sensor_iterator_next(context)) {
            if (ipmi_monitoring_sensor_read_sensor_units(context) !=
                    IPMI_MONITORING_SENSOR_UNITS_WATTS ||
                ipmi_monitoring_sensor_read_sensor_reading_type(context) !=
                    IPMI_MONITORING_SENSOR_READING_TYPE_DOUBLE) {
                continue;
            }
            const void* reading = ipmi_monitoring_sensor_read_sensor_reading(context);
            const char* name = ipmi_monitoring_sensor_read_sensor_name(context);
            if (reading == nullptr) {
                continue;  // the sensor has no reading now (scanning disabled, not present)
            }
            values.push_back(SensorValue{
                static_cast<unsigned int>(ipmi_monitoring_sensor_read_record_id(context)),
                name == nullptr ? "" : name,
                *static_cast<const double*>(reading)});
        }
        return values;
    }
};

IpmiSensorSource::IpmiSensorSource(IpmiTarget target)
    : target_(std::move(target)), session_(std::make_unique<Session>()) {
    require_bmc(target_);
    initialise_library();
    session_->context = ipmi_monitoring_ctx_create();
    if (session_->context == nullptr) {
        throw common::PowerError("IPMI: cannot allocate a libipmimonitoring context");
    }
    session_->cache_directory = target_.sdr_cache.empty()
                                    ? fmt::format("/tmp/joulesweep-sdr-cache-{}", getuid())
                                    : target_.sdr_cache.string();
    std::error_code ignored;
    std::filesystem::create_directories(session_->cache_directory, ignored);
    if (ipmi_monitoring_ctx_sdr_cache_directory(session_->context,
                                                session_->cache_directory.c_str()) < 0) {
        throw common::PowerError(fmt::format("IPMI: cannot cache the SDR in {}: {}",
                                             session_->cache_directory,
                                             ipmi_monitoring_ctx_errormsg(session_->context)));
    }
    ipmi_monitoring_ipmi_config& config = session_->config;
    config.driver_type = target_.out_of_band() ? -1 : IPMI_MONITORING_DRIVER_TYPE_OPENIPMI;
    session_->device = target_.device.string();
    config.driver_device = target_.out_of_band() ? nullptr : session_->device.data();
    config.protocol_version = IPMI_MONITORING_PROTOCOL_VERSION_2_0;
    config.username = target_.user.data();
    config.password = target_.password.data();
    config.privilege_level =
        target_.privilege == IpmiPrivilege::kAdmin      ? IPMI_MONITORING_PRIVILEGE_LEVEL_ADMIN
        : target_.privilege == IpmiPrivilege::kOperator ? IPMI_MONITORING_PRIVILEGE_LEVEL_OPERATOR
                                                        : IPMI_MONITORING_PRIVILEGE_LEVEL_USER;
    config.authentication_type = -1;
    config.cipher_suite_id = kCipherSuite;
    config.workaround_flags =
        IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_OPEN_SESSION_PRIVILEGE;

    const std::vector<SensorValue> sensors = session_->read_watts(target_, {});
    std::optional<SensorValue> chosen;
    std::vector<std::string> names;
    for (const SensorValue& sensor : sensors) {
        names.push_back(sensor.name);
        if (!chosen && (target_.sensor.empty() || sensor.name == target_.sensor)) {
            chosen = sensor;
        }
    }
    if (!chosen) {
        throw common::PowerError(
            sensors.empty()
                ? fmt::format("IPMI: {} has no sensor in watts in its SDR", target_.describe())
                : fmt::format("IPMI: {} has no sensor named '{}'; its sensors in watts: {}",
                              target_.describe(),
                              target_.sensor,
                              fmt::join(names, ", ")));
    }
    sensor_name_ = chosen->name;
    record_id_ = chosen->record_id;
    integrator_.add(PowerIntegrator::clock_s(), chosen->watts);
    total_.domain = "node";
}

IpmiSensorSource::~IpmiSensorSource() = default;

double IpmiSensorSource::watts() {
    const std::vector<SensorValue> values = session_->read_watts(target_, {record_id_});
    if (values.empty()) {
        throw common::PowerError(fmt::format(
            "IPMI: sensor '{}' of {} gave no reading", sensor_name_, target_.describe()));
    }
    return values.front().watts;
}

std::string IpmiSensorSource::description() const {
    return fmt::format("IPMI power sensor '{}' (record {}) of {}: the whole node, {:g} W now",
                       sensor_name_,
                       record_id_,
                       target_.describe(),
                       integrator_.last_watts());
}

std::vector<DomainEnergy> IpmiSensorSource::read() {
    try {
        const double value = watts();
        const double before_j = integrator_.energy_j();
        integrator_.add(PowerIntegrator::clock_s(), value);
        total_.energy_j += integrator_.energy_j() - before_j;
    } catch (const common::PowerError& error) {
        ++total_.unknown_intervals;
        total_.note = error.what();
    }
    return {total_};
}

}  // namespace joulesweep::worker::power
