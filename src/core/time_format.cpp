#include "core/time_format.hpp"

#include <chrono>
#include <ctime>

namespace gatehouse {
namespace {

// The value of text[at, at + digits) if it is all digits; -1 otherwise.
int Digits(std::string_view text, std::size_t at, std::size_t digits) {
  if (at + digits > text.size()) return -1;
  int value = 0;
  for (std::size_t i = at; i < at + digits; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::string FormatRfc3339(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string FormatRfc3339Millis(std::int64_t unix_millis) {
  std::int64_t seconds = unix_millis / 1000, millis = unix_millis % 1000;
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  std::string text = FormatRfc3339(seconds);
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, ".%03d", static_cast<int>(millis));
  return text.insert(text.size() - 1, fraction);
}

std::optional<std::int64_t> ParseRfc3339Millis(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS
  int year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2);
  int hour = Digits(text, 11, 2), minute = Digits(text, 14, 2), second = Digits(text, 17, 2);
  if (year < 1970 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 ||
      text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  // A leap second (60) is accepted and counted as the next second, as POSIX time does.
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                   std::chrono::day(day)};
  if (!date.ok()) return std::nullopt;
  std::size_t at = 19;
  int millis = 0;
  if (at < text.size() && text[at] == '.') {
    std::size_t first = ++at;
    for (int scale = 100; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
      millis += (text[at] - '0') * scale;
      scale /= 10;
    }
    if (at == first) return std::nullopt;
  }
  int offset_minutes = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    int hours = Digits(text, at + 1, 2), minutes = Digits(text, at + 4, 2);
    if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || text[at + 3] != ':') {
      return std::nullopt;
    }
    offset_minutes = (text[at] == '+' ? 1 : -1) * (hours * 60 + minutes);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;
  std::int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  if (seconds < 0) return std::nullopt;
  return seconds * 1000 + millis;
}

}  // namespace gatehouse
