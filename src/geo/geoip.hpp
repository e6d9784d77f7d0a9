#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse {

struct Location {
  std::string country;  // ISO 3166-1 alpha-2, e.g. "GB"
  std::string region;   // first subdivision, e.g. "England"; may be empty
  std::string city;     // may be empty
};

// IP geolocation from MaxMind DB files (libmaxminddb, memory-mapped). Reads both layouts:
// MaxMind GeoIP2/GeoLite2 City (country.iso_code, subdivisions[0].names.en, city.names.en)
// and the flat one of ip-location-db (country_code, state1, city), whose IPv4 and IPv6 data
// come as two files. Thread-safe (lookups only read the mapped files).
class GeoIp {
 public:
  // `databases`: comma-separated file paths; empty means no database (every lookup is
  // nullopt). Throws std::runtime_error naming a file that cannot be opened.
  explicit GeoIp(const std::string& databases);
  ~GeoIp();
  GeoIp(const GeoIp&) = delete;
  GeoIp& operator=(const GeoIp&) = delete;

  // The location of `ip` (IPv4 or IPv6 text), from the first database that knows it;
  // nullopt when none does, or for private and malformed addresses.
  std::optional<Location> Lookup(const std::string& ip) const;

 private:
  struct Database;
  std::vector<std::unique_ptr<Database>> databases_;
};

}  // namespace gatehouse
