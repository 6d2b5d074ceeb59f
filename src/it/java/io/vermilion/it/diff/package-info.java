/**
 * Differential testing against the oracle: the same command scripts
 * ({@code src/it/resources/diff/*.txt}) are replayed over raw TCP against the real redis-server 7.0
 * and against a Vermilion node, and the raw RESP reply bytes are compared. Real Redis behaviour is
 * the specification, so any byte of difference is a bug unless the script declares an exception
 * with a marker (see {@code src/it/resources/diff/README.md}).
 *
 * <p>The parser ({@link io.vermilion.it.diff.ScriptParser}), the raw frame reader
 * ({@link io.vermilion.it.diff.RespFrameReader}) and the comparison rules
 * ({@link io.vermilion.it.diff.ReplyMatcher}) have no server dependency and are unit tested in
 * {@code src/test/java}; {@link io.vermilion.it.diff.DifferentialIT} is the runner.
 */
package io.vermilion.it.diff;
