"use strict";
// Fills an empty slug box from its source field (see newsroom/widgets.py: SlugInput).
// The transliteration table comes from the server so both spell Russian and Kazakh alike.
{
    const slugify = (text, map, maxLength) => {
        let out = "";
        for (const ch of text.toLowerCase()) {
            out += Object.hasOwn(map, ch) ? map[ch] : ch;
        }
        out = out.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
        out = out.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
        if (out.length > maxLength) {
            const cut = out.slice(0, maxLength + 1);
            const hyphen = cut.slice(0, maxLength).lastIndexOf("-");
            out = (hyphen > 0 ? cut.slice(0, hyphen) : cut.slice(0, maxLength)).replace(/-+$/, "");
        }
        return out;
    };

    const init = () => {
        for (const input of document.querySelectorAll("input[data-slug-from]")) {
            const source = document.getElementById("id_" + input.dataset.slugFrom);
            if (!source || input.value) {
                continue; // an existing address is never rewritten
            }
            const map = JSON.parse(input.dataset.slugMap);
            const maxLength = Number(input.dataset.slugMax);
            let typedByHand = false;
            input.addEventListener("input", () => {
                typedByHand = input.value !== "";
            });
            source.addEventListener("input", () => {
                if (!typedByHand) {
                    input.value = slugify(source.value, map, maxLength);
                }
            });
        }
    };

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
}
