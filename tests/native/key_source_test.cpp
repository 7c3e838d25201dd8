// Every copy of the transport key the CLI makes is wiped, on success and on error paths
// (observed by SecretWatch: the core's wipe hook and every block freed through operator delete).
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
#include "native/secret_watch.hpp"
#include "test_util.hpp"

using namespace reelcheck;
using namespace reelcheck::test;

namespace {

// Watches key copies between construction and destruction (see secret_watch.hpp).
using KeyCopies = SecretWatch;

bool equals(const SecureBytes& bytes, const std::string& text) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()) == text;
}

const std::string kKey = "Tk7-q2Vx9-LmW4-zR8p"; // shaped like a transport key

} // namespace

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
    EXPECT_FALSE(SecretWatch::holds(stdin->_IO_read_base, size)) << "stdio buffered the key";
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
