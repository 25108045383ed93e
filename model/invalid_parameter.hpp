#pragma once
// The library's exception for a bad value of one named field (a model parameter or an option).
// Its text names fields in the library's spelling; a front end renders the same text in its own
// (the CLI: "--max-memory", Python: "max_memory_bytes"), so no front end parses a message.
//   InvalidParameter("p", "{p} = 200000: needs 3 GiB; {max_memory_bytes} sets the limit")
// what() writes {name} as name; message(spell) writes it as spell(name). A text that starts with
// the field's own name ("lambda = -1: ...") has that name rendered too.
#include <cctype>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace srf::model {

class InvalidParameter : public std::invalid_argument {
 public:
  InvalidParameter(std::string field, std::string text)
      : std::invalid_argument(render(field, text, nullptr)), field_(std::move(field)), text_(std::move(text)) {}
  const std::string& field() const { return field_; }
  // The message with every field name spelled by `spell` (the front end's name of a field).
  std::string message(const std::function<std::string(std::string_view)>& spell) const {
    return render(field_, text_, &spell);
  }

 private:
  static std::string render(const std::string& field, const std::string& text,
                            const std::function<std::string(std::string_view)>* spell) {
    auto name = [&](std::string_view f) { return spell ? (*spell)(f) : std::string(f); };
    std::string out;
    std::size_t i = 0;
    if (!field.empty() && text.compare(0, field.size(), field) == 0 &&
        (text.size() == field.size() || !(std::isalnum(static_cast<unsigned char>(text[field.size()])) ||
                                           text[field.size()] == '_'))) {
      out = name(field);
      i = field.size();
    }
    while (i < text.size()) {
      const std::size_t open = text.find('{', i);
      const std::size_t close = open == std::string::npos ? std::string::npos : text.find('}', open);
      if (close == std::string::npos) {
        out.append(text, i, std::string::npos);
        break;
      }
      out.append(text, i, open - i);
      out += name(std::string_view(text).substr(open + 1, close - open - 1));
      i = close + 1;
    }
    return out;
  }

  std::string field_, text_;
};

}  // namespace srf::model
