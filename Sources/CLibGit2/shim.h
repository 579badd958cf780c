#ifndef JOBCORE_CLIBGIT2_SHIM_H
#define JOBCORE_CLIBGIT2_SHIM_H

#include <git2.h>
#include <git2/sys/errors.h>
#include <git2/sys/repository.h>
#include <git2/sys/config.h>

// git_libgit2_opts is variadic, which Swift cannot call: typed wrappers for the options used.

static inline int jobcore_git_set_server_connect_timeout(int milliseconds) {
    return git_libgit2_opts(GIT_OPT_SET_SERVER_CONNECT_TIMEOUT, milliseconds);
}

static inline int jobcore_git_set_server_timeout(int milliseconds) {
    return git_libgit2_opts(GIT_OPT_SET_SERVER_TIMEOUT, milliseconds);
}

static inline int jobcore_git_set_user_agent(const char *agent) {
    return git_libgit2_opts(GIT_OPT_SET_USER_AGENT, agent);
}

static inline int jobcore_git_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

static inline int jobcore_git_set_search_path(int level, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, path);
}

static inline int jobcore_git_set_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}

static inline int jobcore_git_set_strict_object_creation(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, enabled);
}

#endif
