{% macro regex_required_literals(pattern, min_length=2) -%}
    {#- Flags set in the pattern, quoted text (\Q...\E) and escapes that take an argument (\x41, \pL, \101,
        Java's \cJ) would need a real parser: no prefilter for them. Escapes standing for a class or a
        control character (\d \w \s \b \A \z \n \t ...) just end a run. -#}
    {%- if '(?' in pattern or modules.re.search('\\\\[^dDwWsSbBAznrtf\\W_]', pattern) -%}
        {{ return([]) }}
    {%- endif -%}
    {#- One token per character, escape, class or counted quantifier ((?s): a newline is a character too). -#}
    {%- set tokens = modules.re.findall('(?s)\\\\.|\\[\\^?\\]?(?:\\\\.|[^\\]])*\\]|\\{[0-9,]*\\}|.', pattern) -%}
    {%- for token in tokens if token.startswith('[') and '[' in token[1:] -%}
        {#- A class inside a class ([[:digit:]], Java's [a[bc]]) would end at its first ]. -#}
        {{ return([]) }}
    {%- endfor -%}
    {%- set ns = namespace(depth=0, run='', best='', literals=[], complete=true) -%}
    {%- for token in tokens -%}
        {%- set lookahead = tokens[loop.index] if loop.index < tokens | length else '' -%}
        {%- set is_plain = (token | length == 1 and token not in '()|?*+{}[].^$\\')
            or (token | length == 2 and token[0] == '\\' and not modules.re.match('[0-9A-Za-z]', token[1])) -%}
        {%- set is_optional = lookahead in ['?', '*'] or lookahead.startswith('{') -%}
        {%- if token == '(' -%}
            {%- set ns.depth = ns.depth + 1 -%}
        {%- elif token == ')' -%}
            {%- set ns.depth = ns.depth - 1 -%}
        {%- endif -%}
        {%- if ns.depth == 0 and token == '|' -%}
            {%- set ns.best = ns.run if ns.run | length > ns.best | length else ns.best -%}
            {%- if ns.best | length < min_length -%}
                {%- set ns.complete = false -%}
            {%- endif -%}
            {%- do ns.literals.append(ns.best) -%}
            {%- set ns.run = '' -%}
            {%- set ns.best = '' -%}
        {%- elif ns.depth == 0 and is_plain and not is_optional -%}
            {%- set ns.run = ns.run ~ token[-1] -%}
            {%- if lookahead == '+' -%}
                {%- set ns.best = ns.run if ns.run | length > ns.best | length else ns.best -%}
                {%- set ns.run = '' -%}
            {%- endif -%}
        {%- elif token not in ['?', '*', '+'] and not token.startswith('{') or is_plain -%}
            {#- Anything else breaks the run: a group, a class, an anchor, a dropped character. -#}
            {%- set ns.best = ns.run if ns.run | length > ns.best | length else ns.best -%}
            {%- set ns.run = '' -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set ns.best = ns.run if ns.run | length > ns.best | length else ns.best -%}
    {%- if ns.best | length < min_length -%}
        {%- set ns.complete = false -%}
    {%- endif -%}
    {%- do ns.literals.append(ns.best) -%}
    {{ return(ns.literals if ns.complete else []) }}
{%- endmacro %}
