package dev.lifeboat.core.drill;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckFileTest {

    @Test
    void statementsEndWithASemicolonAtTheEndOfALineAndTakeTheCommentsAboveThem() {
        List<UserCheck> checks = CheckFile.parse("""
                -- Checks for the shop.
                -- name: orders arrive
                -- expect: count >= 1
                SELECT count(*)
                  FROM orders
                 WHERE note <> 'a;b';

                -- expect: no rows
                -- database: shop
                SELECT id FROM orders WHERE total < 0;

                SELECT count(*) > 0 FROM customers;
                SELECT 1 -- the last one needs no semicolon
                """, "checks.sql");

        assertThat(checks).hasSize(4);
        assertThat(checks.get(0).name()).isEqualTo("orders arrive");
        assertThat(checks.get(0).statement()).isEqualTo("SELECT count(*)\n  FROM orders\n WHERE note <> 'a;b'");
        assertThat(checks.get(0).expectation().kind()).isEqualTo(Expectation.Kind.COUNT);
        assertThat(checks.get(0).line()).isEqualTo(4);
        assertThat(checks.get(1).database()).isEqualTo("shop");
        assertThat(checks.get(1).expectation().kind()).isEqualTo(Expectation.Kind.NO_ROWS);
        assertThat(checks.get(2).name()).isEqualTo("SELECT count(*) > 0 FROM customers");
        assertThat(checks.get(2).expectation()).isEqualTo(Expectation.TRUE);
        assertThat(checks.get(2).database()).isNull();
        assertThat(checks.get(3).statement()).isEqualTo("SELECT 1 -- the last one needs no semicolon");
    }

    @Test
    void aBadExpectationNamesTheFileAndLine() {
        assertThatThrownBy(() -> CheckFile.parse("SELECT true;\n-- expect: mostly true\nSELECT 1;\n", "checks.sql"))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.getMessage()).contains("checks.sql:2").contains("mostly true");
                    assertThat(e.hint()).contains("count between");
                });
        assertThatThrownBy(() -> CheckFile.parse("-- expect: count between 5 and 1\nSELECT 1;", "c.sql")).hasMessageContaining("wrong way");
        assertThatThrownBy(() -> CheckFile.parse("SELECT 1;\n-- expect: true\n", "c.sql")).hasMessageContaining("no statement after it");
    }

    @Test
    void expectationsJudgeWhatTheStatementReturned() {
        assertThat(Expectation.TRUE.judge(1, List.of(List.of("t")))).isEmpty();
        assertThat(Expectation.TRUE.judge(1, List.of(List.of("f")))).contains("returned f where true was expected");
        assertThat(Expectation.TRUE.judge(0, List.of())).hasValueSatisfying(m -> assertThat(m).contains("0 rows"));
        assertThat(Expectation.TRUE.judge(1, java.util.Collections.singletonList(java.util.Collections.singletonList(null))))
                .contains("returned NULL where true was expected");

        Expectation none = Expectation.parse("no rows", "x");
        assertThat(none.judge(0, List.of())).isEmpty();
        assertThat(none.judge(2, List.of(List.of("7", "-3")))).hasValueSatisfying(m -> assertThat(m).contains("2 rows").contains("(7, -3)"));

        Expectation between = Expectation.parse("count  BETWEEN 1 and 100", "x");
        assertThat(between.judge(1, List.of(List.of("100")))).isEmpty();
        assertThat(between.judge(1, List.of(List.of("101")))).contains("returned 101 where count between 1 and 100 was expected");
        assertThat(Expectation.parse("count >= 1", "x").judge(1, List.of(List.of("0")))).isPresent();
        assertThat(Expectation.parse("count > 1", "x").judge(1, List.of(List.of("1")))).isPresent();
        assertThat(Expectation.parse("count < 5", "x").judge(1, List.of(List.of("4")))).isEmpty();
        assertThat(Expectation.parse("count = 5", "x").judge(1, List.of(List.of("5")))).isEmpty();
        assertThat(Expectation.parse("count <= 5", "x").judge(1, List.of(List.of("abc")))).contains("returned 'abc' where a number was expected");
    }
}
