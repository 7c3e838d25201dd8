// Every copy of the transport key the CLI makes is wiped, on success and on error paths. Two
// observers: the core's wipe hook (which buffers holding the key were wiped), and replaced
// global allocation functions that search every block freed through operator delete for the key
// while a test runs (an iostream buffer, a std::string copy, ... would show up there).
#include <gtest/gtest.h>
#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "key_source.hpp"
#include "test_util.hpp"

using namespace reelcheck;
using namespace reelcheck::test;

namespace {

// The key looked for. A fixed buffer, so the test's own allocations never hold it.
char secret[64] = {};
std::size_t secret_size = 0;
std::atomic<bool> scanning{false};
std::atomic<int> freed_with_key{0};
std::atomic<int> wiped_with_key{0};

bool holds_secret(const void* data, std::size_t size) {
  return secret_size != 0 && memmem(data, size, secret, secret_size) != nullptr;
}

void on_free(void* p) noexcept {
  if (p != nullptr && scanning.load() && holds_secret(p, malloc_usable_size(p))) ++freed_with_key;
}

void on_wipe(const void* data, std::size_t size) noexcept {
  if (scanning.load() && holds_secret(data, size)) ++wiped_with_key;
}

// Watches key copies between construction and destruction.
class KeyCopies {
public:
  explicit KeyCopies(const std::string& key) {
    std::snprintf(secret, sizeof secret, "%s", key.c_str());
    secret_size = key.size();
    freed_with_key = 0;
    wiped_with_key = 0;
    set_wipe_observer(on_wipe);
    scanning = true;
  }
  ~KeyCopies() { stop(); }
  void stop() {
    scanning = false;
    set_wipe_observer(nullptr);
  }
  int freed_unwiped() const { return freed_with_key.load(); }
  int wiped() const { return wiped_with_key.load(); }
};

bool equals(const SecureBytes& bytes, const std::string& text) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()) == text;
}

const std::string kKey = "Tk7-q2Vx9-LmW4-zR8p"; // shaped like a transport key

} // namespace

// Replaced global allocation functions (this test program only).
void* operator new(std::size_t n) {
  if (void* p = std::malloc(n != 0 ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
// Every plain variant is replaced, so that new and delete always pair up (sanitizers check).
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return std::malloc(n != 0 ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return std::malloc(n != 0 ? n : 1);
}
void operator delete(void* p) noexcept {
  on_free(p);
  std::free(p);
}
void operator delete[](void* p) noexcept {
  operator delete(p);
}
void operator delete(void* p, std::size_t) noexcept {
  operator delete(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  operator delete(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  operator delete(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  operator delete(p);
}

TEST(KeySourceWipes, KeyFileIsReadWithoutUnwipedCopies) {
  TempDir tmp;
  const auto path = (tmp / "reel.key").string();
  write_file(path, "  " + kKey + "  \n");
  bool same = false;
  {
    KeyCopies copies(kKey);
    {
      auto source = cli::KeySource::from_file(path);
      if (source.ok()) same = equals(source->key_for("R2400017", "bundle.7z"), kKey);
    }
    copies.stop();
    EXPECT_EQ(copies.freed_unwiped(), 0) << "a buffer holding the key was freed without a wipe";
    EXPECT_GE(copies.wiped(), 2) << "the file's text and the key entry are wiped";
  }
  EXPECT_TRUE(same);
}

TEST(KeySourceWipes, AMalformedKeyFileIsWipedOnTheErrorPathToo) {
  TempDir tmp;
  const auto path = (tmp / "batch.key").string();
  write_file(path, "R2400017 " + kKey + "\nR2400018\n"); // second line lacks its key
  bool refused = false;
  {
    KeyCopies copies(kKey);
    refused = !cli::KeySource::from_file(path).ok();
    copies.stop();
    EXPECT_EQ(copies.freed_unwiped(), 0);
    EXPECT_GE(copies.wiped(), 1);
  }
  EXPECT_TRUE(refused);
}

TEST(KeySourceWipes, StandardInputIsReadWithoutTheStdioBuffer) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const std::string piped = kKey + "\nnext line\n";
  ASSERT_EQ(write(fds[1], piped.data(), piped.size()), static_cast<ssize_t>(piped.size()));
  close(fds[1]);
  const int saved_stdin = dup(STDIN_FILENO);
  ASSERT_EQ(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
  close(fds[0]);
  bool same = false;
  {
    KeyCopies copies(kKey);
    {
      auto source = cli::KeySource::interactive();
      same = equals(source.key_for("R2400017", "bundle.7z"), kKey);
    }
    copies.stop();
    EXPECT_EQ(copies.freed_unwiped(), 0);
  }
  // Nothing was read past the key's line, and stdio's buffer for stdin never saw the key.
  char rest[32] = {};
  const ssize_t n = read(STDIN_FILENO, rest, sizeof rest - 1);
  dup2(saved_stdin, STDIN_FILENO);
  close(saved_stdin);
  EXPECT_TRUE(same);
  EXPECT_EQ(std::string(rest, n > 0 ? static_cast<std::size_t>(n) : 0), "next line\n");
  if (stdin->_IO_read_base != nullptr) {
    const auto size = static_cast<std::size_t>(stdin->_IO_buf_end - stdin->_IO_read_base);
    EXPECT_FALSE(holds_secret(stdin->_IO_read_base, size)) << "stdio buffered the key";
  }
}

TEST(KeySourceWipes, KeyEnvVariableIsOverwrittenInPlaceAndRemoved) {
  const char* name = "RC_WIPE_TEST_TRANSPORT_KEY";
  ASSERT_EQ(setenv(name, kKey.c_str(), 1), 0);
  const char* stored = getenv(name); // where the environment keeps the value
  ASSERT_NE(stored, nullptr);
  bool same = false;
  {
    KeyCopies copies(kKey);
    {
      auto source = cli::KeySource::from_env(name);
      if (source.ok()) same = equals(source->key_for("R2400017", "bundle.7z"), kKey);
    }
    copies.stop();
    EXPECT_EQ(copies.freed_unwiped(), 0);
    EXPECT_GE(copies.wiped(), 2) << "the environment's copy and the key entry";
  }
  EXPECT_TRUE(same);
  EXPECT_EQ(getenv(name), nullptr) << "the variable is removed";
  // glibc never frees setenv's strings: the old value's memory is still there to inspect.
  for (std::size_t i = 0; i < kKey.size(); ++i)
    EXPECT_EQ(stored[i], '\0') << "byte " << i << " of the environment's copy was not wiped";
}

TEST(KeySourceErrors, EachBadKeyFileSaysWhatIsWrong) {
  TempDir tmp;
  auto message = [](const std::string& path) {
    auto source = cli::KeySource::from_file(path);
    return source.ok() ? std::string("accepted") : source.error().message;
  };
  EXPECT_NE(message((tmp / "absent.key").string()).find("cannot read key file"), std::string::npos);
  write_file(tmp / "empty.key", "# only a comment\n\n");
  EXPECT_NE(message((tmp / "empty.key").string()).find("holds no key"), std::string::npos);
  write_file(tmp / "batch.key", "R2400017 " + kKey + "\nR2400018\n");
  EXPECT_NE(message((tmp / "batch.key").string())
                .find("with several lines, each must be '<reel ID> <key>'"),
            std::string::npos);
  write_file(tmp / "huge.key", std::string((1 << 20) + 1, 'k'));
  EXPECT_NE(message((tmp / "huge.key").string()).find("is larger than 1 MiB"), std::string::npos);
  unsetenv("RC_SURELY_UNSET_KEY_VARIABLE");
  auto unset = cli::KeySource::from_env("RC_SURELY_UNSET_KEY_VARIABLE");
  ASSERT_FALSE(unset.ok());
  EXPECT_NE(unset.error().message.find("is not set"), std::string::npos);
}
