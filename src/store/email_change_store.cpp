#include "store/email_change_store.hpp"

#include "store/connection.hpp"

namespace gatehouse::email_change_store {
namespace {

std::optional<EmailChangeRecord> FindBy(Connection& sql, const char* column,
                                        const std::string& hash) {
  EmailChangeRecord c;
  long long created = 0, confirm_expires = 0, undo_expires = 0, confirmed = 0, undone = 0;
  soci::indicator confirmed_ind = soci::i_null, undone_ind = soci::i_null;
  sql << "SELECT id, user_id, old_email, new_email, session_id, confirm_hash, undo_hash, "
         "created_at, confirm_expires_at, undo_expires_at, confirmed_at, undone_at "
         "FROM email_changes WHERE " +
             std::string(column) + " = :h",
      soci::use(hash), soci::into(c.id), soci::into(c.user_id), soci::into(c.old_email),
      soci::into(c.new_email), soci::into(c.session_id), soci::into(c.confirm_hash),
      soci::into(c.undo_hash), soci::into(created), soci::into(confirm_expires),
      soci::into(undo_expires), soci::into(confirmed, confirmed_ind),
      soci::into(undone, undone_ind);
  if (!sql.got_data()) return std::nullopt;
  c.created_at = created;
  c.confirm_expires_at = confirm_expires;
  c.undo_expires_at = undo_expires;
  if (confirmed_ind == soci::i_ok) c.confirmed_at = confirmed;
  if (undone_ind == soci::i_ok) c.undone_at = undone;
  return c;
}

}  // namespace

void Insert(Connection& sql, const EmailChangeRecord& c) {
  long long created = c.created_at, confirm_expires = c.confirm_expires_at,
            undo_expires = c.undo_expires_at;
  sql << "INSERT INTO email_changes (id, user_id, old_email, new_email, session_id, "
         "confirm_hash, undo_hash, created_at, confirm_expires_at, undo_expires_at) VALUES (:id, "
         ":u, :o, :n, :s, :c, :d, :t, :ce, :ue)",
      soci::use(c.id), soci::use(c.user_id), soci::use(c.old_email), soci::use(c.new_email),
      soci::use(c.session_id), soci::use(c.confirm_hash), soci::use(c.undo_hash),
      soci::use(created), soci::use(confirm_expires), soci::use(undo_expires);
}

void DeletePending(Connection& sql, const std::string& user_id) {
  sql << "DELETE FROM email_changes WHERE user_id = :u AND confirmed_at IS NULL AND undone_at IS "
         "NULL",
      soci::use(user_id);
}

std::optional<EmailChangeRecord> FindByConfirmHash(Connection& sql, const std::string& hash) {
  return FindBy(sql, "confirm_hash", hash);
}

std::optional<EmailChangeRecord> FindByUndoHash(Connection& sql, const std::string& hash) {
  return FindBy(sql, "undo_hash", hash);
}

bool MarkConfirmed(Connection& sql, const std::string& id, std::int64_t now) {
  long long t = now;
  soci::statement st = (sql.prepare << "UPDATE email_changes SET confirmed_at = :t WHERE id = :id "
                                       "AND confirmed_at IS NULL AND undone_at IS NULL",
                        soci::use(t), soci::use(id));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

bool MarkUndone(Connection& sql, const std::string& id, std::int64_t now) {
  long long t = now;
  soci::statement st =
      (sql.prepare
           << "UPDATE email_changes SET undone_at = :t WHERE id = :id AND undone_at IS NULL",
       soci::use(t), soci::use(id));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

long long DeleteExpired(Connection& sql, std::int64_t now) {
  long long t = now;
  soci::statement st =
      (sql.prepare << "DELETE FROM email_changes WHERE undo_expires_at <= :t", soci::use(t));
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace gatehouse::email_change_store
