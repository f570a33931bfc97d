package dev.hyrouter.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cases of Go's path.Match documentation and tests, as hostname patterns use them. */
class GoGlobTest {
    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(delimiter = '|', value = {
            "abc|abc|true",
            "*|abc|true",
            "*c|abc|true",
            "a*|a|true",
            "a*|abc|true",
            "a*|ab/c|false",
            "a*/b|abc/b|true",
            "a*/b|a/c/b|false",
            "a*b*c*d*e*/f|axbxcxdxe/f|true",
            "a*b*c*d*e*/f|axbxcxdxexxx/f|true",
            "a*b*c*d*e*/f|axbxcxdxe/xxx/f|false",
            "a*b*c*d*e*/f|axbxcxdxexxx/fff|false",
            "a*b?c*x|abxbbxdbxebxczzx|true",
            "a*b?c*x|abxbbxdbxebxczzy|false",
            "ab[c]|abc|true",
            "ab[b-d]|abc|true",
            "ab[e-g]|abc|false",
            "ab[^c]|abc|false",
            "ab[^b-d]|abc|false",
            "ab[^e-g]|abc|true",
            "a\\*b|a*b|true",
            "a\\*b|ab|false",
            "a?b|a☺b|true",
            "a[^a]b|a☺b|true",
            "a???b|a☺b|false",
            "a[^a][^a][^a]b|a☺b|false",
            "[a-ζ]*|α|true",
            "*[a-ζ]|A|false",
            "a?b|a/b|false",
            "a*b|a/b|false",
            "[\\]a]|]|true",
            "[\\-]|-|true",
            "[x\\-]|x|true",
            "[x\\-]|-|true",
            "[x\\-]|z|false",
            "[\\-x]|x|true",
            "[\\-x]|-|true",
            "[\\-x]|a|false",
            "[]a]|]|false",
            "[-]|-|false",
            "[x-]|x|false",
            "[-x]|x|false",
            "\\|a|false",
            "[a-b-c]|a|false",
            "[|a|false",
            "[^|a|false",
            "[^bc|a|false",
            "a[|a|false",
            "a[|ab|false",
            "*x|xxx|true",
            "*.example.com|a.b.example.com|true",
            "*.example.com|example.com|false",
            "play-??.example.com|play-eu.example.com|true"})
    void matchesLikeGo(String pattern, String name, boolean expected) {
        assertThat(GoGlob.matches(pattern, name)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"[|true", "a[|true", "\\|true", "[a-b-c]|true", "*.example.com|false", "[a-z]|false"})
    void reportsMalformedPatterns(String pattern, boolean malformed) {
        assertThat(GoGlob.problem(pattern) != null).isEqualTo(malformed);
    }
}
