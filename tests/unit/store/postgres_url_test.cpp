#include "store/postgres_url.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

TEST(PostgresUrl, AllParts) {
  EXPECT_EQ(PostgresConnectionString("postgresql://gh:s3cret@db.internal:6432/auth?sslmode=require")
                .value(),
            "host='db.internal' port='6432' dbname='auth' user='gh' password='s3cret' "
            "sslmode='require'");
}

TEST(PostgresUrl, PercentDecodingAndQuoting) {
  EXPECT_EQ(PostgresConnectionString("postgres://u%40x:p%27%5C%3A@h/d").value(),
            "host='h' dbname='d' user='u@x' password='p\\'\\\\:'");
  EXPECT_EQ(PostgresConnectionString("postgresql://u@[::1]:5432/d").value(),
            "host='::1' port='5432' dbname='d' user='u'");
}

TEST(PostgresUrl, MinimalAndMalformed) {
  EXPECT_EQ(PostgresConnectionString("postgresql://localhost").value(), "host='localhost'");
  for (const char* bad :
       {"mysql://h/d", "postgresql://h:port/d", "postgresql://h/d?=x", "postgresql://h/d?k",
        "postgresql://%zz@h/d", "postgresql://h/d%4", "postgresql://h/d?Bad-Key=1"}) {
    EXPECT_FALSE(PostgresConnectionString(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace gatehouse
