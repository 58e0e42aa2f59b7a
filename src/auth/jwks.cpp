#include "auth/jwks.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <boost/json.hpp>
#include <memory>
#include <stdexcept>

#include "common/crypto.h"
#include "common/json_parse.h"

namespace mcpgw::auth {
namespace json = boost::json;
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Bignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ParamBuild = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

constexpr int kMinRsaBits = 2048;

std::string member(const json::object& o, const char* name) {
  auto it = o.find(name);
  return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : "";
}

std::string decoded(const json::object& o, const char* name) {
  auto bytes = crypto::unbase64url(member(o, name));
  if (!bytes || bytes->empty())
    throw std::runtime_error(std::string("'") + name + "' is not base64url");
  return *bytes;
}

// The key OpenSSL builds from these parameters (it checks an EC point is on its curve).
Pkey from_params(const char* type, OSSL_PARAM_BLD* build) {
  Params params(OSSL_PARAM_BLD_to_param(build));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    throw std::runtime_error("OpenSSL refuses the key parameters");
  Pkey key(raw);
  PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1)
    throw std::runtime_error("the public key does not check out");
  return key;
}

Pkey rsa_key(const json::object& jwk) {
  const std::string n = decoded(jwk, "n"), e = decoded(jwk, "e");
  Bignum bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                        static_cast<int>(n.size()), nullptr));
  Bignum bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                        static_cast<int>(e.size()), nullptr));
  ParamBuild build(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !build ||
      !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()))
    throw std::runtime_error("out of memory building the key");
  Pkey key = from_params("RSA", build.get());
  if (EVP_PKEY_get_bits(key.get()) < kMinRsaBits)
    throw std::runtime_error("an RSA key under 2048 bits");
  return key;
}

Pkey ec_key(const json::object& jwk, const std::string& curve) {
  const char* group = curve == "P-256"   ? "prime256v1"
                      : curve == "P-384" ? "secp384r1"
                      : curve == "P-521" ? "secp521r1"
                                         : nullptr;
  if (!group) throw std::runtime_error("curve '" + curve + "' is not P-256, P-384 or P-521");
  const std::size_t size = curve == "P-256" ? 32 : curve == "P-384" ? 48 : 66;
  const std::string x = decoded(jwk, "x"), y = decoded(jwk, "y");
  if (x.size() != size || y.size() != size)
    throw std::runtime_error("x and y must be " + std::to_string(size) + " bytes for " + curve);
  const std::string point = '\x04' + x + y;  // SEC 1 uncompressed point
  ParamBuild build(OSSL_PARAM_BLD_new());
  if (!build ||
      !OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
      !OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size()))
    throw std::runtime_error("out of memory building the key");
  return from_params("EC", build.get());
}

std::string pem_of(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1)
    throw std::runtime_error("cannot write the key as PEM");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

Jwk jwk_of(const json::object& o) {
  Jwk k;
  k.kid = member(o, "kid");
  k.kty = member(o, "kty");
  k.alg = member(o, "alg");
  const std::string use = member(o, "use");
  if (!use.empty() && use != "sig") throw std::runtime_error("use is '" + use + "', not sig");
  if (k.kty == "RSA") {
    k.pem = pem_of(rsa_key(o).get());
  } else if (k.kty == "EC") {
    k.curve = member(o, "crv");
    k.pem = pem_of(ec_key(o, k.curve).get());
  } else {
    throw std::runtime_error("kty '" + k.kty + "' is not RSA or EC");
  }
  if (!k.alg.empty() && !k.fits(k.alg))
    throw std::runtime_error("alg '" + k.alg + "' does not fit a " + k.kty + " key");
  return k;
}

}  // namespace

bool Jwk::fits(std::string_view token_alg) const {
  if (!alg.empty() && alg != token_alg) return false;
  if (token_alg == "RS256" || token_alg == "RS384" || token_alg == "RS512") return kty == "RSA";
  if (kty != "EC") return false;
  return (token_alg == "ES256" && curve == "P-256") || (token_alg == "ES384" && curve == "P-384") ||
         (token_alg == "ES512" && curve == "P-521");
}

JwkSet parse_jwks(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = parse_json(text, ec);
  if (ec || !doc.is_object()) throw std::runtime_error("the JWKS is not a JSON object");
  auto keys = doc.get_object().find("keys");
  if (keys == doc.get_object().end() || !keys->value().is_array())
    throw std::runtime_error("the JWKS has no \"keys\" array");
  JwkSet out;
  std::size_t i = 0;
  for (const auto& item : keys->value().get_array()) {
    const std::string label = "key " + std::to_string(i++);
    if (!item.is_object()) {
      out.skipped.push_back(label + ": not an object");
      continue;
    }
    const std::string kid = member(item.get_object(), "kid");
    try {
      out.keys.push_back(jwk_of(item.get_object()));
    } catch (const std::exception& e) {
      out.skipped.push_back(label + (kid.empty() ? "" : " (kid " + kid + ")") + ": " + e.what());
    }
  }
  return out;
}

}  // namespace mcpgw::auth
