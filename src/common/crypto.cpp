#include "common/crypto.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

namespace mcpgw::crypto {

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (n != 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("OpenSSL RAND_bytes failed: no secure randomness available");
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0xf]);
  }
  return out;
}

std::string random_hex(std::size_t n) {
  return to_hex(random_bytes(n));
}

std::string base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> unbase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=')
    ++pad;
  if (text.substr(0, text.size() - pad).find_first_not_of(kAlphabet) != std::string_view::npos)
    return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

std::optional<std::string> unbase64url(std::string_view text) {
  if (text.size() % 4 == 1 || text.find_first_of("+/=") != std::string_view::npos)
    return std::nullopt;
  std::string std_text(text);
  for (char& c : std_text)
    c = c == '-' ? '+' : c == '_' ? '/' : c;
  std_text.append((4 - std_text.size() % 4) % 4, '=');
  return unbase64(std_text);
}

std::string sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL EVP_Digest(sha256) failed");
  return std::string(reinterpret_cast<const char*>(md), len);
}

namespace {
constexpr std::string_view kSealVersion = "v1";
constexpr std::size_t kNonce = 12, kTag = 16;
struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;
const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
}  // namespace

std::string seal(std::string_view key, std::string_view plaintext) {
  if (key.size() != 32) throw std::invalid_argument("seal: the key must be 32 bytes");
  const std::string nonce = random_bytes(kNonce);
  Ctx ctx(EVP_CIPHER_CTX_new());
  std::string out(kSealVersion);
  out += nonce;
  std::string cipher(plaintext.size(), '\0');
  int len = 0, fin = 0;
  unsigned char tag[kTag];
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(nonce)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(cipher.data()), &len,
                        bytes(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(cipher.data()) + len, &fin) !=
          1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, tag) != 1)
    throw std::runtime_error("OpenSSL AES-256-GCM encryption failed");
  out += cipher;
  out.append(reinterpret_cast<const char*>(tag), kTag);
  return out;
}

std::optional<std::string> open(std::string_view key, std::string_view sealed) {
  if (key.size() != 32 || sealed.size() < kSealVersion.size() + kNonce + kTag ||
      sealed.substr(0, kSealVersion.size()) != kSealVersion)
    return std::nullopt;
  const auto nonce = sealed.substr(kSealVersion.size(), kNonce);
  const auto cipher = sealed.substr(kSealVersion.size() + kNonce,
                                    sealed.size() - kSealVersion.size() - kNonce - kTag);
  std::string tag(sealed.substr(sealed.size() - kTag));
  Ctx ctx(EVP_CIPHER_CTX_new());
  std::string plain(cipher.size(), '\0');
  int len = 0, fin = 0;
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(nonce)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len,
                        bytes(cipher), static_cast<int>(cipher.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &fin) !=
          1)
    return std::nullopt;  // wrong key or altered data: GCM's tag does not verify
  return plain;
}

std::string sha256_hex(std::string_view data) {
  return to_hex(sha256(data));
}

}  // namespace mcpgw::crypto
