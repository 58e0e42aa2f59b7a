// Bearer tokens (auth/jwt.h, auth/api_tokens.h, auth/authenticator.h) with a fixed HS256 secret
// and one known API token. The first byte picks what the rest is:
//   0: an Authorization header value, through Authenticator (JWT or API token);
//   1: a JWT claims set, signed here with the secret under {"alg":"HS256","typ":"JWT"};
//   2: "<JOSE header JSON>\0<claims JSON>", signed here with the secret (HMAC-SHA256) whatever
//      alg the header names.
// Modes 1 and 2 reach the claim checks, which a random token never does (its signature fails).
//
// Invariants: nothing throws; a verdict is a principal or a reason, never both; a principal has a
// subject and known scopes only; a JWT is accepted only with a valid HS256 signature over its
// first two segments, only when its header names HS256; asking again (the cache) gives the same
// verdict; an API token is accepted only when it is the known one.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdint>
#include <string>

#include "auth/api_tokens.h"
#include "auth/authenticator.h"
#include "auth/jwt.h"
#include "common/crypto.h"
#include "common/json_parse.h"
#include "fuzz_support.h"

namespace json = boost::json;
using namespace mcpgw;

namespace {

const std::string kSecret = "fuzz-secret-0123456789abcdef-0123456789";
constexpr std::int64_t kNow = 1'800'000'000;
const std::string kApiToken = std::string(auth::kApiTokenPrefix) + std::string(64, 'a');

class OneToken final : public store::ApiTokenRepository {
 public:
  void insert(const store::ApiTokenRecord&) override {}
  std::optional<store::ApiTokenRecord> find_by_hash(const std::string& hash) override {
    if (hash != crypto::sha256_hex(kApiToken)) return std::nullopt;
    store::ApiTokenRecord r;
    r.id = "t1";
    r.token_hash = hash;
    r.subject = "svc";
    r.scopes = {"mcp", "bogus"};
    return r;
  }
  std::optional<store::ApiTokenRecord> find_by_id(const std::string&) override { return {}; }
  std::vector<store::ApiTokenRecord> list() override { return {}; }
  std::vector<store::ApiTokenRecord> page(const PageQuery&) override { return {}; }
  bool revoke(const std::string&, std::int64_t) override { return false; }
};

auth::JwtSettings settings() {
  return {kSecret, "mcpgw", "mcpgw", std::chrono::seconds(30)};
}

std::string b64url(std::string_view bytes) {
  std::string s = crypto::base64(bytes);
  for (char& c : s)
    c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!s.empty() && s.back() == '=')
    s.pop_back();
  return s;
}

// base64url without padding (any trailing bits, as decoders do); nullopt on any other text.
std::optional<std::string> unb64url(std::string_view s) {
  if (s.find_first_of("+/=") != std::string_view::npos || s.size() % 4 == 1) return std::nullopt;
  std::string t(s);
  for (char& c : t)
    c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (t.size() % 4 != 0)
    t.push_back('=');
  return crypto::unbase64(t);
}

std::string hmac(std::string_view input) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string signed_token(std::string_view header, std::string_view claims) {
  const std::string input = b64url(header) + "." + b64url(claims);
  return input + "." + b64url(hmac(input));
}

std::optional<json::object> segment_json(std::string_view token, int index) {
  std::size_t start = 0;
  for (int i = 0; i < index; ++i)
    start = token.find('.', start) + 1;
  const auto end = token.find('.', start);
  const auto bytes = unb64url(token.substr(start, end - start));
  if (!bytes) return std::nullopt;
  boost::system::error_code ec;
  auto v = mcpgw::parse_json(*bytes, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return v.get_object();
}

void check_principal(const auth::Principal& p) {
  FUZZ_CHECK(!p.subject.empty());
  for (const auto& s : p.scopes)
    FUZZ_CHECK(auth::is_known_scope(s));
}

// What must hold of a token the verifier accepted.
void accepted_jwt(const std::string& token) {
  FUZZ_CHECK(std::count(token.begin(), token.end(), '.') == 2);
  const auto last = token.rfind('.');
  const auto sig = unb64url(std::string_view(token).substr(last + 1));
  FUZZ_CHECK(sig && *sig == hmac(std::string_view(token).substr(0, last)));
  const auto header = segment_json(token, 0);
  FUZZ_CHECK(header && header->contains("alg") && header->at("alg") == "HS256");
}

void verify_jwt(const auth::JwtVerifier& v, const std::string& token) {
  const auth::JwtVerdict first = v.verify(token, kNow);
  FUZZ_CHECK(first.principal.has_value() != !first.reason.empty());
  const auth::JwtVerdict again = v.verify(token, kNow);
  FUZZ_CHECK(again.principal.has_value() == first.principal.has_value());
  if (!first.principal) return;
  check_principal(*first.principal);
  FUZZ_CHECK(first.principal->token_kind == "jwt");
  FUZZ_CHECK(again.principal->subject == first.principal->subject);
  FUZZ_CHECK(again.principal->scopes == first.principal->scopes);
  accepted_jwt(token);
}

void authorize(const auth::Authenticator& a, std::string_view header) {
  const auth::AuthResult r = a.authenticate(header);
  FUZZ_CHECK(r.principal.has_value() != !r.reason.empty());
  if (!r.principal) return;
  FUZZ_CHECK(r.token_presented);
  check_principal(*r.principal);
  if (r.principal->token_kind == "api_token") {
    FUZZ_CHECK(header.find(kApiToken) != std::string_view::npos);
    FUZZ_CHECK(r.principal->subject == "svc");
  } else {
    FUZZ_CHECK(r.principal->token_kind == "jwt");
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet();
  fuzz::fixed_randomness();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  fuzz::reset_randomness();
  static OneToken repo;
  static auth::ApiTokenService api_tokens(repo);
  const std::string_view rest = fuzz::as_text(data + 1, size - 1);
  // A fresh verifier per input: its cache must not carry one input's verdict to the next.
  auth::JwtVerifier jwt(settings());
  switch (data[0] % 3) {
    case 0: {
      const auth::Authenticator a(true, auth::JwtVerifier(settings()), &api_tokens);
      authorize(a, rest);
      const auth::AuthResult none = a.authenticate(std::nullopt);
      FUZZ_CHECK(!none.principal && !none.token_presented);
      if (auth::ApiTokenService::looks_like_api_token(rest))
        FUZZ_CHECK(rest.size() == kApiToken.size() && rest.starts_with(auth::kApiTokenPrefix));
      verify_jwt(jwt, std::string(rest));
      break;
    }
    case 1:
      verify_jwt(jwt, signed_token(R"({"alg":"HS256","typ":"JWT"})", rest));
      break;
    default: {
      const auto nul = rest.find('\0');
      if (nul == std::string_view::npos) return 0;
      verify_jwt(jwt, signed_token(rest.substr(0, nul), rest.substr(nul + 1)));
      break;
    }
  }
  return 0;
}
