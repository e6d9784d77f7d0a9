#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

// NIST SP 800-63B password rules: a length range counted in Unicode characters (after NFC
// normalization), any characters, no composition rules; a password must not contain the
// user's e-mail address or name and must not be easy to guess, as estimated by zxcvbn
// (its dictionaries of common passwords, names and words, keyboard patterns, sequences,
// repeats and dates). Thread-safe.
class PasswordPolicy {
 public:
  // `min_guess_bits`: the least zxcvbn estimate accepted, in bits (log2 of guesses).
  PasswordPolicy(std::size_t min_length, double min_guess_bits);

  // nullopt when `password` is acceptable for the account of `email` and `name`; otherwise a
  // reason to show the user (the `detail` of 422 weak_password).
  std::optional<std::string> Check(std::string_view password, std::string_view email,
                                   std::string_view name) const;

 private:
  std::size_t min_length_;
  double min_guess_bits_;
};

}  // namespace gatehouse
