#include "crypto/password_hasher.hpp"

#include <sodium.h>

#include <future>
#include <stdexcept>

#include "core/unicode.hpp"
#include "crypto/random.hpp"

namespace gatehouse {

PasswordHasher::PasswordHasher(int threads, std::size_t queue_limit, std::uint64_t opslimit,
                               std::uint64_t memlimit_kib)
    : opslimit_(opslimit), memlimit_bytes_(memlimit_kib * 1024), pool_(threads, queue_limit) {
  char out[crypto_pwhash_STRBYTES];
  std::string random_password = RandomToken(16);
  if (crypto_pwhash_str_alg(out, random_password.data(), random_password.size(), opslimit_,
                            memlimit_bytes_, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("Argon2id hashing failed: out of memory?");
  }
  dummy_hash_ = out;
}

template <typename T, typename F>
Result<T> PasswordHasher::RunOnPool(F work) {
  auto task = std::make_shared<std::packaged_task<Result<T>()>>(std::move(work));
  auto done = task->get_future();
  if (!pool_.TrySubmit([task] { (*task)(); })) {
    Error busy = MakeError(Errc::kUnavailable, "password hashing queue is full");
    busy.retry_after_seconds = 1;
    return busy;
  }
  return done.get();
}

namespace {

// Passwords are hashed in Unicode NFC, so "é" typed precomposed or with a combining accent
// is the same password. Bytes that are not UTF-8 are hashed as they are.
std::string Canonical(const std::string& password) {
  return NormalizeNfc(password).value_or(password);
}

}  // namespace

Result<std::string> PasswordHasher::Hash(const std::string& raw_password) {
  return RunOnPool<std::string>(
      [this, password = Canonical(raw_password)]() -> Result<std::string> {
        char out[crypto_pwhash_STRBYTES];
        if (crypto_pwhash_str_alg(out, password.data(), password.size(), opslimit_, memlimit_bytes_,
                                  crypto_pwhash_ALG_ARGON2ID13) != 0) {
          return MakeError(Errc::kUnavailable, "Argon2id hashing failed: out of memory");
        }
        return std::string(out);
      });
}

Result<PasswordCheck> PasswordHasher::Verify(const std::string& raw_password,
                                             const std::string& encoded) {
  return RunOnPool<PasswordCheck>(
      [this, password = Canonical(raw_password), encoded]() -> Result<PasswordCheck> {
        PasswordCheck check;
        check.matches =
            crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
        if (check.matches) {
          check.needs_rehash =
              crypto_pwhash_str_needs_rehash(encoded.c_str(), opslimit_, memlimit_bytes_) != 0;
        }
        return check;
      });
}

Status PasswordHasher::VerifyAgainstDummy(const std::string& password) {
  auto check = Verify(password, dummy_hash_);
  if (!check) return check.error();
  return Ok{};
}

}  // namespace gatehouse
