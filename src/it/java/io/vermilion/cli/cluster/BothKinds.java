package io.vermilion.cli.cluster;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A cluster CLI test that runs once per node kind, Vermilion and real Redis, so that the default
 * {@code mvn verify} proves the CLI against both (the test method takes a
 * {@code ServerProcess.Kind} parameter). {@code -Dcluster.kind=REDIS|VERMILION} narrows it to one
 * kind when debugging.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0}")
@MethodSource("io.vermilion.cli.cluster.ClusterCliSupport#kinds")
@interface BothKinds {}
