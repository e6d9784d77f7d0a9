#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace gatehouse {

class Connection;

// SQL for the security log; throws on database errors (see Database::Run).
namespace event_store {

void Append(Connection& sql, const EventRecord& event);

// Which events a listing wants; every field left empty filters nothing.
struct EventQuery {
  std::string user_id;
  std::string type;
  std::int64_t since_millis = 0;  // at or after
  std::int64_t until_millis = 0;  // before
  std::string before_id;          // the last id of the previous page
  int limit = 50;
};
// Newest first, at most `limit`.
std::vector<EventRecord> List(Connection& sql, const EventQuery& query);

// Deletes the events from before `cutoff_millis`; returns how many.
long long DeleteBefore(Connection& sql, std::int64_t cutoff_millis);

// Keeps the user's events but blanks what identifies a person in them (address, agent,
// device, location, details), for a deleted account; their user id stays, naming no one.
void ForgetPersonalData(Connection& sql, const std::string& user_id);

}  // namespace event_store
}  // namespace gatehouse
