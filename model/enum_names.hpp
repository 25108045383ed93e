#pragma once
// An enum's spellings, written once beside the enum as an array of (name, value) pairs:
//   enum class SketchLaw { kGaussian, kOrthogonal };
//   inline constexpr EnumName<SketchLaw> kSketchLawNames[] = {{"gaussian", SketchLaw::kGaussian}, ...};
// to_string, parsing, the field table's choice row (model/field_table.hpp), CLI help, JSON and the
// Python keywords all read that array, so a third enumerator is spelled in one place or nowhere.
#include <cstddef>
#include <string>
#include <string_view>

#include <sobolev_rf/model/invalid_parameter.hpp>

namespace srf::model {

template <class E>
struct EnumName {
  const char* name;
  E value;
};

// The name of v ("?" if the array lacks it, which a test of every enum rules out).
template <class E, std::size_t N>
constexpr const char* enum_to_string(const EnumName<E> (&names)[N], E v) {
  for (const auto& n : names)
    if (n.value == v) return n.name;
  return "?";
}

// "a, b or c": the names, for messages.
template <class E, std::size_t N>
std::string enum_name_list(const EnumName<E> (&names)[N]) {
  std::string s;
  for (std::size_t i = 0; i < N; ++i) s += (i == 0 ? "" : i + 1 == N ? " or " : ", ") + std::string(names[i].name);
  return s;
}

// The value spelled `text`; throws InvalidParameter naming `field`.
template <class E, std::size_t N>
E enum_parse(const EnumName<E> (&names)[N], std::string_view text, std::string_view field) {
  for (const auto& n : names)
    if (text == n.name) return n.value;
  throw InvalidParameter(std::string(field), std::string(field) + " = '" + std::string(text) + "': must be " +
                                                 enum_name_list(names));
}

}  // namespace srf::model
