#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace gatehouse {

// The rows of an asynchronous PostgreSQL query (store/pg_pipeline.hpp), in text format;
// nullopt for NULL. Apart from the pipeline, so that users of its answers need no asio.
using PgRow = std::vector<std::optional<std::string>>;
using PgRowsDone = std::function<void(Result<std::vector<PgRow>>)>;

}  // namespace gatehouse
