package dev.lifeboat.cli.it;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An integration test that needs the machine to itself: it bounds a backlog under load, or
 * relies on leases, schedules or a second of streaming. Failsafe runs these one at a time,
 * before the others run two at a time (cli/pom.xml).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("serial")
@interface RunsAlone {
}
