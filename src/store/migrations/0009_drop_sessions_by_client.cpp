#include "store/migrations.hpp"

namespace gatehouse {

Migration DropSessionsByClientMigration() {
  return {
      9,
      "no index of sessions by client",
      {
          // Every code exchange inserts a grant, and this index cost it an eighth of its
          // rate (bench/run.sh); what used it, deleting a client, is a rare administrator's
          // act that may scan the sessions instead.
          "DROP INDEX sessions_by_client",
      },
  };
}

}  // namespace gatehouse
