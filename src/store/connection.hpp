#pragma once

#include <soci/soci.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace gatehouse {

// One database connection and the statements prepared on it. The queries on the hot paths
// (a session by id, a rotation, a user by id or e-mail, …) are prepared once per connection
// and executed again with new values: no parsing or planning per call, and on PostgreSQL one
// round trip where SOCI's throw-away statements take three (prepare, execute, deallocate).
// Used by one thread at a time (the Database hands it out).
class Connection : public soci::session {
 public:
  explicit Connection(bool sqlite) : sqlite_(sqlite) {}

  bool is_sqlite() const { return sqlite_; }

  // The statement `S` on this connection, prepared on first use. `S` is constructed from the
  // connection once; it holds a soci::statement and the variables that statement binds (so
  // it never moves: it lives on the heap until ForgetPrepared).
  template <typename S>
  S& Prepared() {
    std::size_t index = IndexOf<S>();
    if (index >= prepared_.size()) prepared_.resize(index + 1);
    if (!prepared_[index]) prepared_[index] = std::make_unique<Holder<S>>(*this);
    return static_cast<Holder<S>&>(*prepared_[index]).value;
  }

  // Executes a prepared statement that yields at most one row (or none: a write); true if it
  // yielded one, now in the statement's variables. On SQLite the statement is then reset: a
  // statement left on its row keeps its read transaction open, and every later read on this
  // connection would see the database as it was then.
  bool ExecuteOnce(soci::statement& statement);

  // Transaction control, prepared like the hot statements (every grant and sign-in runs
  // them): BEGIN IMMEDIATE on SQLite takes the write lock at once, so a transaction never
  // fails half-way on a lock another writer holds.
  void Begin();
  void Commit();
  void Rollback();

  // Runs `announce` once the work that called this is committed: Database runs it after the
  // commit (after a Run or Write, once the work succeeded), outside its locks, and drops it
  // when the work fails or rolls back. For what must not be told of a write that did not
  // happen (a log line of an event appended in the transaction).
  void AfterCommit(std::function<void()> announce) { after_commit_.push_back(std::move(announce)); }
  // What AfterCommit queued, leaving nothing queued; for Database.
  std::vector<std::function<void()>> TakeAfterCommit() { return std::exchange(after_commit_, {}); }

  // Drops every prepared statement: after an error (one may be left half-run) and before a
  // reconnect (they belong to the old server session).
  void ForgetPrepared() { prepared_.clear(); }

 private:
  struct AnyPrepared {
    virtual ~AnyPrepared() = default;
  };
  template <typename S>
  struct Holder : AnyPrepared {
    explicit Holder(Connection& connection) : value(connection) {}
    S value;
  };

  // A dense number per statement type, the same on every connection.
  static std::size_t NextIndex() {
    static std::atomic<std::size_t> next{0};
    return next++;
  }
  template <typename S>
  static std::size_t IndexOf() {
    static const std::size_t index = NextIndex();
    return index;
  }

  bool sqlite_;
  std::vector<std::unique_ptr<AnyPrepared>> prepared_;
  std::vector<std::function<void()>> after_commit_;
};

}  // namespace gatehouse
