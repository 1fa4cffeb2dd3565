#include "shard_layout.hpp"

#include <cstring>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <hdf5.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/common/hdf5_call.hpp"
#include "joulesweep/common/topology.hpp"
#include "joulesweep/coordinator/queue/energy_record.hpp"

namespace joulesweep::coordinator::shard {
namespace {

common::Hdf5Handle copy_type(hid_t type) {
    return {H5Tcopy(type), H5Tclose, "copy an HDF5 type"};
}

common::Hdf5Handle text_type(std::size_t size) {
    common::Hdf5Handle type = copy_type(H5T_C_S1);
    common::hdf5_check(H5Tset_size(type.get(), size), "size a text type");
    common::hdf5_check(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), "pad a text type");
    return type;
}

}  // namespace

std::string epoch_series_path(std::string_view statistic) {
    return fmt::format("/epochs/{}", statistic);
}

common::Hdf5Handle memory_type(ColumnKind kind, std::size_t text_size) {
    switch (kind) {
        case ColumnKind::kInt64:
            return copy_type(H5T_NATIVE_INT64);
        case ColumnKind::kInt32:
            return copy_type(H5T_NATIVE_INT32);
        case ColumnKind::kUint8:
            return copy_type(H5T_NATIVE_UINT8);
        case ColumnKind::kFloat64:
            return copy_type(H5T_NATIVE_DOUBLE);
        case ColumnKind::kFloat32:
            return copy_type(H5T_NATIVE_FLOAT);
        case ColumnKind::kText:
            return text_type(text_size);
    }
    return copy_type(H5T_NATIVE_INT64);
}

common::Hdf5Handle file_type(ColumnKind kind, std::size_t text_size) {
    switch (kind) {
        case ColumnKind::kInt64:
            return copy_type(H5T_STD_I64LE);
        case ColumnKind::kInt32:
            return copy_type(H5T_STD_I32LE);
        case ColumnKind::kUint8:
            return copy_type(H5T_STD_U8LE);
        case ColumnKind::kFloat64:
            return copy_type(H5T_IEEE_F64LE);
        case ColumnKind::kFloat32:
            return copy_type(H5T_IEEE_F32LE);
        case ColumnKind::kText:
            return text_type(text_size);
    }
    return copy_type(H5T_STD_I64LE);
}

}  // namespace joulesweep::coordinator::shard

namespace joulesweep::coordinator::shard {
namespace {

template <typename Value>
void put(std::byte* element, Value value) {
    std::memcpy(element, &value, sizeof(value));
}

template <typename Value>
Value take(const std::byte* element) {
    Value value{};
    std::memcpy(&value, element, sizeof(value));
    return value;
}

template <std::size_t Size>
void put_text(std::byte* element, std::string_view text) {
    if (text.size() > Size) {
        throw common::StorageError(
            fmt::format("shard: '{}' is longer than the {} bytes its column holds", text, Size));
    }
    std::memset(element, 0, Size);
    std::memcpy(element, text.data(), text.size());
}

template <std::size_t Size>
std::string take_text(const std::byte* element) {
    const auto* first = reinterpret_cast<const char*>(element);  // NOLINT: bytes of a text
    return {first, ::strnlen(first, Size)};
}

// A closed set's value, stored by name; a name the table lacks is a damaged shard.
template <std::size_t Size, typename Enum, std::size_t N>
Enum take_name(const common::NameTable<Enum, N>& table, const std::byte* element) {
    const std::string text = take_text<Size>(element);
    const auto value = table.find(text);
    if (!value) {
        throw common::StorageError(fmt::format("shard: unknown {} '{}'", table.what(), text));
    }
    return *value;
}

// Captureless lambdas: each column says how a row's value goes in and comes back out.
// The experiment's fields are not listed here: experiment_columns() makes their columns
// from the field list (common/experiment_config.hpp).
constexpr std::array<ColumnSpec, 19> kRunOnlyColumns{{
    {"/runs/experiment_id",
     ColumnKind::kInt64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.run.experiment_id); },
     [](RunRow& row, const std::byte* e) {
         row.run.experiment_id = take<std::int64_t>(e);
     }},
    {"/runs/repetition",
     ColumnKind::kInt32,
     0,
     [](const RunRow& row, std::byte* e) { put<std::int32_t>(e, row.run.repetition); },
     [](RunRow& row, const std::byte* e) {
         row.run.repetition = take<std::int32_t>(e);
     }},
    {"/runs/attempt",
     ColumnKind::kInt32,
     0,
     [](const RunRow& row, std::byte* e) { put<std::int32_t>(e, row.run.attempt); },
     [](RunRow& row, const std::byte* e) {
         row.run.attempt = take<std::int32_t>(e);
     }},
    {"/runs/seed",
     ColumnKind::kInt64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.run.result.seed); },
     [](RunRow& row, const std::byte* e) {
         row.run.result.seed = take<std::int64_t>(e);
     }},
    {"/runs/backend_used",
     ColumnKind::kText,
     16,
     [](const RunRow& row, std::byte* e) {
         put_text<16>(e, common::kBackendNames.name(row.run.result.backend));
     },
     [](RunRow& row, const std::byte* e) {
         row.run.result.backend = take_name<16>(common::kBackendNames, e);
     }},
    {"/runs/threads",
     ColumnKind::kInt64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.run.result.threads); },
     [](RunRow& row, const std::byte* e) {
         row.run.result.threads = take<std::int64_t>(e);
     }},
    {"/runs/host",
     ColumnKind::kText,
     256,
     [](const RunRow& row, std::byte* e) { put_text<256>(e, row.run.result.host); },
     [](RunRow& row, const std::byte* e) {
         row.run.result.host = take_text<256>(e);
     }},
    {"/runs/flops_per_epoch",
     ColumnKind::kFloat64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.run.result.flops_per_epoch); },
     [](RunRow& row, const std::byte* e) {
         row.run.result.flops_per_epoch = take<double>(e);
     }},
    {"/runs/parameter_count",
     ColumnKind::kInt64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.run.result.parameter_count); },
     [](RunRow& row, const std::byte* e) {
         row.run.result.parameter_count = take<std::int64_t>(e);
     }},
    {"/runs/diverged",
     ColumnKind::kUint8,
     0,
     [](const RunRow& row, std::byte* e) { put<std::uint8_t>(e, row.run.result.diverged ? 1 : 0); },
     [](RunRow& row, const std::byte* e) {
         row.run.result.diverged = take<std::uint8_t>(e) != 0;
     }},
    {"/runs/energy_source",
     ColumnKind::kText,
     16,
     [](const RunRow& row, std::byte* e) {
         put_text<16>(e, row.run.result.energy ? row.run.result.energy->source : "");
     },
     [](RunRow& row, const std::byte* e) {
         std::string source = take_text<16>(e);
         if (!source.empty()) {
             row.run.result.energy.emplace().source = std::move(source);
         }
     }},
    {"/runs/energy_provenance",
     ColumnKind::kText,
     kProvenanceSize,
     [](const RunRow& row, std::byte* e) {
         put_text<kProvenanceSize>(
             e, row.run.result.energy ? shard_provenance_json(*row.run.result.energy) : "");
     },
     [](RunRow& row, const std::byte* e) {
         if (row.run.result.energy) {  // energy_source comes first
             read_provenance(take_text<kProvenanceSize>(e), *row.run.result.energy);
         }
     }},
    {"/runs/energy_offset",
     ColumnKind::kInt64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.energy_offset); },
     [](RunRow& row, const std::byte* e) {
         row.energy_offset = take<std::int64_t>(e);
     }},
    {"/runs/energy_count",
     ColumnKind::kInt32,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.energy_count); },
     [](RunRow& row, const std::byte* e) {
         row.energy_count = take<std::int32_t>(e);
     }},
    {"/runs/epoch_offset",
     ColumnKind::kInt64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.epoch_offset); },
     [](RunRow& row, const std::byte* e) {
         row.epoch_offset = take<std::int64_t>(e);
     }},
    {"/runs/epoch_count",
     ColumnKind::kInt32,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.epoch_count); },
     [](RunRow& row, const std::byte* e) {
         row.epoch_count = take<std::int32_t>(e);
     }},
    {"/runs/layer_offset",
     ColumnKind::kInt64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.layer_offset); },
     [](RunRow& row, const std::byte* e) {
         row.layer_offset = take<std::int64_t>(e);
     }},
    {"/runs/layer_count",
     ColumnKind::kInt32,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.layer_count); },
     [](RunRow& row, const std::byte* e) {
         row.layer_count = take<std::int32_t>(e);
     }},
    {"/runs/run_id",
     ColumnKind::kInt64,
     0,
     [](const RunRow& row, std::byte* e) { put(e, row.run.run_id); },
     [](RunRow& row, const std::byte* e) {
         row.run.run_id = take<std::int64_t>(e);
     }},
}};

// ---- the experiment's columns, one per field of the field list ----------------------

constexpr std::size_t kDatasetTextSize = 64;

template <typename Field>
constexpr std::size_t text_size_of() {
    if constexpr (std::is_same_v<Field, std::string>) {
        return kDatasetTextSize;
    } else if constexpr (std::is_same_v<Field, common::Shape>) {
        return 32;
    } else if constexpr (std::is_enum_v<Field>) {
        return 16;
    } else {
        return 0;
    }
}

template <typename Field>
constexpr ColumnKind kind_of() {
    if constexpr (std::is_same_v<Field, std::string> || std::is_enum_v<Field>) {
        return ColumnKind::kText;  // closed sets by name: the file explains itself
    } else if constexpr (std::is_same_v<Field, int> || std::is_same_v<Field, bool>) {
        return ColumnKind::kInt32;  // a bool as 0 or 1
    } else if constexpr (std::is_same_v<Field, std::int64_t>) {
        return ColumnKind::kInt64;
    } else {
        static_assert(std::is_same_v<Field, double>, "a field type the shard cannot store");
        return ColumnKind::kFloat64;
    }
}

template <typename Field>
void store_value(std::byte* element, const Field& value) {
    if constexpr (std::is_same_v<Field, std::string>) {
        put_text<kDatasetTextSize>(element, value);
    } else if constexpr (std::is_enum_v<Field>) {
        put_text<text_size_of<Field>()>(element, common::names_of(value).name(value));
    } else if constexpr (std::is_same_v<Field, bool>) {
        put<std::int32_t>(element, value ? 1 : 0);
    } else if constexpr (std::is_same_v<Field, int>) {
        put<std::int32_t>(element, value);
    } else {
        put(element, value);
    }
}

template <typename Field>
void load_value(const std::byte* element, Field& value) {
    if constexpr (std::is_same_v<Field, std::string>) {
        value = take_text<kDatasetTextSize>(element);
    } else if constexpr (std::is_enum_v<Field>) {
        value = take_name<text_size_of<Field>()>(common::names_of(value), element);
    } else if constexpr (std::is_same_v<Field, bool>) {
        value = take<std::int32_t>(element) != 0;
    } else if constexpr (std::is_same_v<Field, int>) {
        value = take<std::int32_t>(element);
    } else {
        value = take<Field>(element);
    }
}

template <std::size_t Index>
void store_field(const RunRow& row, std::byte* element) {
    std::size_t index = 0;
    common::visit_experiment_fields(row.run.config, [&](std::string_view, const auto& value) {
        if (index++ == Index) {
            store_value(element, value);
        }
    });
}

template <std::size_t Index>
void load_field(RunRow& row, const std::byte* element) {
    std::size_t index = 0;
    common::visit_experiment_fields(row.run.config, [&](std::string_view, auto& value) {
        if (index++ == Index) {
            load_value(element, value);
        }
    });
}

template <std::size_t... Index>
std::vector<ColumnSpec> experiment_columns(std::index_sequence<Index...> /*fields*/) {
    static const std::vector<std::string> paths = [] {
        std::vector<std::string> names;
        for (const std::string_view name : common::experiment_field_names()) {
            names.push_back(fmt::format("/runs/{}", name));
        }
        return names;
    }();
    constexpr std::array kStores{&store_field<Index>...};
    constexpr std::array kLoads{&load_field<Index>...};
    std::vector<ColumnSpec> columns;
    std::size_t index = 0;
    // A shard holds fixed-size runs only: a search's attempts are in PostgreSQL alone.
    common::for_each_experiment_field([&](const auto& entry) {
        using Field = typename std::decay_t<decltype(entry)>::Type;
        if (entry.scope == common::FieldScope::kEvery) {
            columns.push_back(ColumnSpec{paths.at(index),
                                         kind_of<Field>(),
                                         text_size_of<Field>(),
                                         kStores.at(index),
                                         kLoads.at(index)});
        }
        ++index;
    });
    return columns;
}

}  // namespace

std::size_t element_size(const ColumnSpec& column) {
    switch (column.kind) {
        case ColumnKind::kInt64:
        case ColumnKind::kFloat64:
            return 8;
        case ColumnKind::kInt32:
        case ColumnKind::kFloat32:
            return 4;
        case ColumnKind::kUint8:
            return 1;
        case ColumnKind::kText:
            return column.text_size;
    }
    return 0;
}

const std::vector<ColumnSpec>& run_columns() {
    static const std::vector<ColumnSpec> columns = [] {
        // The run's own columns, the experiment's, then run_id: the commit marker.
        std::vector<ColumnSpec> all(kRunOnlyColumns.begin(), kRunOnlyColumns.end() - 1);
        const std::vector<ColumnSpec> fields =
            experiment_columns(std::make_index_sequence<common::kExperimentFieldCount>{});
        all.insert(all.end(), fields.begin(), fields.end());
        all.push_back(kRunOnlyColumns.back());
        return all;
    }();
    return columns;
}

}  // namespace joulesweep::coordinator::shard
