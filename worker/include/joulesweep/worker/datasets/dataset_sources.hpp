#pragma once
// Where each dataset's source lives and how it is verified before it is prepared:
//   PMLB datasets  <source>/pmlb/<name>/<name>.tsv.gz, listed in <source>/pmlb/SHA256SUMS
//   mnist          <mnist_dir>/{train,t10k}-{images-idx3,labels-idx1}-ubyte
//                  (scripts/fetch-mnist.sh), checked against their known SHA-256 sums

#include <filesystem>
#include <string>

#include "joulesweep/worker/datasets/prepared_dataset.hpp"

namespace joulesweep::worker {

struct DatasetSources {
    std::filesystem::path source_dir = "data";
    std::filesystem::path mnist_dir = "data/mnist";
};

// Verifies the dataset's source files by checksum, prepares the dataset and checks its
// shape against the catalog. Throws ConfigError (wrong checksum, not in the catalog,
// shape differs) or StorageError (a file is missing or unreadable), naming the file.
PreparedDataset prepare_verified(const common::DatasetInfo& info, const DatasetSources& sources);

}  // namespace joulesweep::worker
