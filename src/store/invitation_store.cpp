#include "store/invitation_store.hpp"

#include "store/connection.hpp"

namespace gatehouse::invitation_store {
namespace {

constexpr const char* kColumns =
    "SELECT id, email, role, token_hash, invited_by, created_at, expires_at, accepted_at, "
    "revoked_at FROM invitations ";
constexpr const char* kPending = "accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ";

// The columns of kColumns, bound to one record that each fetch overwrites.
struct Row {
  InvitationRecord record;
  std::string invited_by;
  long long created = 0, expires = 0, accepted = 0, revoked = 0;
  soci::indicator invited_by_ind = soci::i_null, accepted_ind = soci::i_null,
                  revoked_ind = soci::i_null;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(record.id));
    st.exchange(soci::into(record.email));
    st.exchange(soci::into(record.role));
    st.exchange(soci::into(record.token_hash));
    st.exchange(soci::into(invited_by, invited_by_ind));
    st.exchange(soci::into(created));
    st.exchange(soci::into(expires));
    st.exchange(soci::into(accepted, accepted_ind));
    st.exchange(soci::into(revoked, revoked_ind));
  }
  InvitationRecord Read() const {
    InvitationRecord r = record;
    if (invited_by_ind == soci::i_ok) r.invited_by = invited_by;
    r.created_at = created;
    r.expires_at = expires;
    if (accepted_ind == soci::i_ok) r.accepted_at = accepted;
    if (revoked_ind == soci::i_ok) r.revoked_at = revoked;
    return r;
  }
};

// Sets `column` (accepted_at or revoked_at) to `now` if the invitation is still pending;
// true for exactly one of any number of concurrent callers.
bool StampIfPending(Connection& sql, const char* column, const std::string& id, std::int64_t now) {
  long long t = now;
  soci::statement st = (sql.prepare << std::string("UPDATE invitations SET ") + column +
                                           " = :t WHERE id = :id AND " + kPending + ":now",
                        soci::use(t), soci::use(id), soci::use(t));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

}  // namespace

void Insert(Connection& sql, const InvitationRecord& i) {
  long long created = i.created_at, expires = i.expires_at;
  soci::indicator invited_by_ind = i.invited_by ? soci::i_ok : soci::i_null;
  std::string invited_by = i.invited_by.value_or("");
  sql << "INSERT INTO invitations (id, email, role, token_hash, invited_by, created_at, "
         "expires_at) VALUES (:id, :email, :role, :hash, :by, :created, :expires)",
      soci::use(i.id), soci::use(i.email), soci::use(i.role), soci::use(i.token_hash),
      soci::use(invited_by, invited_by_ind), soci::use(created), soci::use(expires);
}

std::optional<InvitationRecord> FindByTokenHash(Connection& sql, const std::string& token_hash) {
  Row row;
  soci::statement st(sql);
  st.exchange(soci::use(token_hash));
  row.Bind(st);
  st.alloc();
  st.prepare(std::string(kColumns) + "WHERE token_hash = :hash");
  st.define_and_bind();
  st.execute(true);
  if (!st.got_data()) return std::nullopt;
  return row.Read();
}

std::vector<InvitationRecord> ListPending(Connection& sql, std::int64_t now) {
  long long t = now;
  Row row;
  soci::statement st(sql);
  st.exchange(soci::use(t));
  row.Bind(st);
  st.alloc();
  st.prepare(std::string(kColumns) + "WHERE " + kPending + ":now ORDER BY created_at DESC, id");
  st.define_and_bind();
  st.execute();
  std::vector<InvitationRecord> all;
  while (st.fetch()) all.push_back(row.Read());
  return all;
}

bool Revoke(Connection& sql, const std::string& id, std::int64_t now) {
  return StampIfPending(sql, "revoked_at", id, now);
}

void RevokePendingFor(Connection& sql, const std::string& email, std::int64_t now) {
  long long t = now;
  sql << std::string("UPDATE invitations SET revoked_at = :t WHERE email = :email AND ") +
             kPending + ":now",
      soci::use(t), soci::use(email), soci::use(t);
}

bool MarkAccepted(Connection& sql, const std::string& id, std::int64_t now) {
  return StampIfPending(sql, "accepted_at", id, now);
}

}  // namespace gatehouse::invitation_store
