#include "auth/password_policy.hpp"

#include <zxcvbn.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "auth/validation.hpp"
#include "core/unicode.hpp"

namespace gatehouse {
namespace {

// Shorter parts of a name or address are left to zxcvbn: refusing every password that
// contains "ann" or "li" would refuse good passphrases by chance.
constexpr std::size_t kMinForbiddenLength = 4;
constexpr std::size_t kMinKnownWordLength = 3;
constexpr const char* kTryInstead =
    " Try a longer passphrase of several unrelated words; spaces and any characters are fine.";

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

struct PersonalWords {
  std::vector<std::string> forbidden;  // the password may not contain these at all
  std::vector<std::string> known;      // zxcvbn counts these as trivially guessable
};

// What a password must not be built from: the address, its local part, the full name (all
// forbidden), the domain name and the words of the name (known to the estimator).
PersonalWords WordsOf(std::string_view email, std::string_view name) {
  PersonalWords words;
  auto forbid = [&words](std::string_view text) {
    if (text.size() >= kMinForbiddenLength) words.forbidden.push_back(AsciiLower(text));
    if (text.size() >= kMinKnownWordLength) words.known.push_back(AsciiLower(text));
  };
  auto know = [&words](std::string_view text) {
    if (text.size() >= kMinKnownWordLength) words.known.push_back(AsciiLower(text));
  };
  forbid(email);
  if (auto at = email.find('@'); at != std::string_view::npos) {
    forbid(email.substr(0, at));
    std::string_view domain = email.substr(at + 1);
    know(domain.substr(0, domain.find('.')));
  }
  forbid(name);
  std::size_t start = 0;
  while (start < name.size()) {
    std::size_t end = std::min(name.find(' ', start), name.size());
    know(name.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// Why zxcvbn found the password easy, from the pattern covering most of it.
std::string Explain(const ZxcMatch_t* matches) {
  const ZxcMatch_t* widest = nullptr;
  auto type_of = [](const ZxcMatch_t* m) { return m->Type & ~MULTIPLE_MATCH; };
  for (const ZxcMatch_t* m = matches; m; m = m->Next) {
    if (type_of(m) == BRUTE_MATCH) continue;
    if (!widest || m->Length > widest->Length) widest = m;
  }
  int type = widest ? type_of(widest) : NON_MATCH;
  switch (type) {
    case DICTIONARY_MATCH:
    case DICT_LEET_MATCH:
      return "This password is too easy to guess: it is, or is built on, a commonly used "
             "password or word (replacing letters with look-alike digits does not help).";
    case USER_MATCH:
    case USER_LEET_MATCH:
      return "This password is too easy to guess: it is built on your e-mail address or name.";
    case REPEATS_MATCH: return "This password is too easy to guess: it repeats characters.";
    case SEQUENCE_MATCH:
      return "This password is too easy to guess: sequences like 'abc' or '6543' are the first "
             "thing tried.";
    case SPATIAL_MATCH:
      return "This password is too easy to guess: keyboard patterns like 'qwerty' or 'zxcvbn' "
             "are the first thing tried.";
    case DATE_MATCH:
    case YEAR_MATCH: return "This password is too easy to guess: dates and years are common.";
    default: return "This password is too easy to guess.";
  }
}

}  // namespace

PasswordPolicy::PasswordPolicy(std::size_t min_length, double min_guess_bits)
    : min_length_(min_length), min_guess_bits_(min_guess_bits) {}

std::optional<std::string> PasswordPolicy::Check(std::string_view raw, std::string_view email,
                                                 std::string_view name) const {
  auto password = NormalizeNfc(raw);
  if (!password) return "The password is not valid UTF-8.";
  if (password->find('\0') != std::string::npos) return "The password may not contain NUL.";
  std::size_t length = CodePointCount(*password);
  if (length < min_length_) {
    return "The password must have at least " + std::to_string(min_length_) + " characters.";
  }
  if (length > kMaxPasswordLength) {
    return "The password may have at most " + std::to_string(kMaxPasswordLength) + " characters.";
  }

  PersonalWords words = WordsOf(email, name);
  std::string lowered = AsciiLower(*password);
  for (const std::string& word : words.forbidden) {
    if (lowered.find(word) != std::string::npos) {
      return std::string("The password may not contain your e-mail address or name.") + kTryInstead;
    }
  }

  std::vector<const char*> dictionary;
  for (const std::string& word : words.known) dictionary.push_back(word.c_str());
  dictionary.push_back(nullptr);
  ZxcMatch_t* info = nullptr;
  double bits = ZxcvbnMatch(password->c_str(), dictionary.data(), &info);
  std::unique_ptr<ZxcMatch_t, decltype(&ZxcvbnFreeInfo)> owned(info, &ZxcvbnFreeInfo);
  if (bits < min_guess_bits_) return Explain(info) + kTryInstead;
  return std::nullopt;
}

}  // namespace gatehouse
