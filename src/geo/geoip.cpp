#include "geo/geoip.hpp"

#include <maxminddb.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace gatehouse {

struct GeoIp::Database {
  MMDB_s mmdb{};
  ~Database() { MMDB_close(&mmdb); }
};

namespace {

// The UTF-8 string at `path` in `entry`, or empty when absent or not a string.
std::string StringAt(MMDB_entry_s& entry, std::initializer_list<const char*> path) {
  std::vector<const char*> keys(path);
  keys.push_back(nullptr);
  MMDB_entry_data_s data{};
  if (MMDB_aget_value(&entry, &data, keys.data()) != MMDB_SUCCESS || !data.has_data ||
      data.type != MMDB_DATA_TYPE_UTF8_STRING) {
    return {};
  }
  return std::string(data.utf8_string, data.data_size);
}

std::string FirstOf(MMDB_entry_s& entry, std::initializer_list<const char*> maxmind,
                    std::initializer_list<const char*> flat) {
  std::string value = StringAt(entry, maxmind);
  return value.empty() ? StringAt(entry, flat) : value;
}

}  // namespace

GeoIp::GeoIp(const std::string& databases) {
  std::size_t start = 0;
  while (start < databases.size()) {
    std::size_t end = std::min(databases.find(',', start), databases.size());
    std::string path = databases.substr(start, end - start);
    start = end + 1;
    while (!path.empty() && path.front() == ' ') path.erase(0, 1);
    while (!path.empty() && path.back() == ' ') path.pop_back();
    if (path.empty()) continue;
    MMDB_s mmdb{};
    int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &mmdb);
    if (status != MMDB_SUCCESS) {
      throw std::runtime_error("cannot open GeoIP database " + path + ": " + MMDB_strerror(status));
    }
    auto db = std::make_unique<Database>();
    db->mmdb = mmdb;  // now closed by ~Database
    databases_.push_back(std::move(db));
  }
}

GeoIp::~GeoIp() = default;

std::optional<Location> GeoIp::Lookup(const std::string& ip) const {
  for (const auto& db : databases_) {
    int gai_error = 0, mmdb_error = 0;
    MMDB_lookup_result_s result =
        MMDB_lookup_string(&db->mmdb, ip.c_str(), &gai_error, &mmdb_error);
    // An IPv6 address in an IPv4-only file is an error here, not a miss: try the next file.
    if (gai_error != 0 || mmdb_error != MMDB_SUCCESS || !result.found_entry) continue;
    Location location;
    location.country = FirstOf(result.entry, {"country", "iso_code"}, {"country_code"});
    location.region = FirstOf(result.entry, {"subdivisions", "0", "names", "en"}, {"state1"});
    location.city = FirstOf(result.entry, {"city", "names", "en"}, {"city"});
    if (location.country.empty()) continue;
    return location;
  }
  return std::nullopt;
}

}  // namespace gatehouse
