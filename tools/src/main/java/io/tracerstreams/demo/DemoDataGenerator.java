/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the demo's own datasets, deterministically: the same seed gives the same bytes.
 *
 * <p>Two tasks of a retail bank and web shop assistant:
 * <ul>
 *   <li>{@value #INTENTS_FILE}: customer-support intents (28 labels, {@value #INTENT_ROWS_PER_LABEL} rows each).
 *       Every utterance is built from hand-written templates with slot fillers, politeness and context
 *       prefixes, trailing context, short and long forms, lower-casing and dropped punctuation, and seeded
 *       typos (adjacent swaps, dropped and doubled characters). A few templates per pair of related intents
 *       (lost vs. undelivered card, account vs. delivery address, refund vs. return, ...) are genuinely
 *       ambiguous: their label is a seeded coin flip between the two, as a real LLM would waver.</li>
 *   <li>{@value #PRIORITY_FILE}: ticket priority (low / normal / high). The "teacher" label here is mostly
 *       decided by account state that the text does not contain (customer tier, open fraud flag, balance
 *       at risk), drawn at random per ticket; only with probability {@value #PRIORITY_TEXT_WEIGHT} does it
 *       follow the severity the wording suggests. So no text-only model can agree with the teacher much
 *       above 0.35 + 0.65 / 3 = 0.57 on any slice of the input: the parity gate at alpha 0.9 must stay
 *       closed on this task, and that is the point of shipping it. (Within one pass: the labels are fixed per
 *       row, so a stream that repeats the same texts lets a memorising learner answer the repeats.)</li>
 * </ul>
 *
 * <p>The output is committed under {@code src/main/resources/demo/}; regenerate with
 * {@code java io.tracerstreams.demo.DemoDataGenerator DIR}. A test checks that the committed files equal
 * a fresh run.
 */
public final class DemoDataGenerator {

    /** The intent dataset's file name. */
    public static final String INTENTS_FILE = "support-intents.jsonl.gz";
    /** The priority dataset's file name. */
    public static final String PRIORITY_FILE = "ticket-priority.jsonl.gz";
    /** Rows written per intent. */
    public static final int INTENT_ROWS_PER_LABEL = 100;
    /** Rows written for the priority task. */
    public static final int PRIORITY_ROWS = 3_000;
    /** Probability that a priority label follows the wording rather than the hidden account state. */
    public static final double PRIORITY_TEXT_WEIGHT = 0.35;
    /** The seed of the committed files. */
    public static final long DEFAULT_SEED = 20_260_427L;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, List<String>> SLOTS = new LinkedHashMap<>();
    private static final Map<String, List<String>> INTENTS = new LinkedHashMap<>();
    /** Ambiguous phrasings between two related intents: {text template, intent a, intent b}. */
    private static final List<String[]> AMBIGUOUS = new ArrayList<>();

    private static final List<String> POLITE_PREFIXES = List.of(
            "hi, ", "hello, ", "hey, ", "good morning, ", "hi there. ", "excuse me, ", "sorry to bother you, ",
            "quick question: ", "please help, ", "ok so ", "um, ", "dear support, ", "hello team, ", "yo ");
    private static final List<String> CONTEXT_PREFIXES = List.of(
            "I'm on the app right now and ", "I've been waiting on hold for ages, ", "my wife asked me to check: ",
            "I'm travelling at the moment and ", "I tried the website already, ", "as a customer for ten years, ",
            "this is the second time I'm asking: ", "I'm writing from my phone so sorry for typos, ",
            "before I forget, ", "I got an email about this and ");
    private static final List<String> SUFFIXES = List.of(
            " thanks", " thank you", " please", " thanks in advance", " asap please", " cheers", " ty",
            " I'm quite worried", " this is urgent", " can you help?", " what should I do?", " any idea?",
            " I need this sorted today", " much appreciated", " it's really annoying");

    static {
        SLOTS.put("item", List.of("headphones", "running shoes", "coffee machine", "winter jacket", "phone case",
                "desk lamp", "laptop bag", "blender", "yoga mat", "kids bike", "printer", "sofa cushions",
                "smartwatch", "kettle", "book", "jeans"));
        SLOTS.put("amount", List.of("$20", "$45.99", "£120", "€300", "50 dollars", "$1,200", "£9.99", "€75",
                "200 euros", "$15"));
        SLOTS.put("merchant", List.of("Amazon", "a gas station", "Uber", "a hotel in Lisbon", "Netflix",
                "a restaurant", "Spotify", "a store I've never heard of", "the supermarket", "an online shop"));
        SLOTS.put("days", List.of("3 days", "a week", "two weeks", "five days", "10 days", "a month",
                "over a week", "several days"));
        SLOTS.put("city", List.of("Berlin", "Leeds", "Austin", "Toronto", "Madrid", "Melbourne", "Dublin",
                "Chicago"));
        SLOTS.put("currency", List.of("euros", "dollars", "pounds", "yen", "Swiss francs", "pesos"));
        SLOTS.put("order", List.of("order 48213", "order #77120", "my order", "my last order",
                "the order from Monday", "order number 10934", "my recent purchase"));
        SLOTS.put("card", List.of("card", "debit card", "credit card", "Visa", "Mastercard", "bank card"));
        SLOTS.put("when", List.of("yesterday", "this morning", "last night", "on Friday", "two days ago",
                "an hour ago", "last week"));

        intent("card_lost",
                "I lost my {card}", "I can't find my {card} anywhere", "lost {card}", "my {card} was stolen",
                "someone stole my wallet with my {card} in it", "I think I left my {card} at a restaurant {when}",
                "please freeze my {card}, I lost it", "how do I block a lost {card}", "{card} missing, block it",
                "my purse was stolen {when} and my {card} was in it", "report a stolen {card}",
                "I dropped my {card} somewhere in {city}");
        intent("card_not_arrived",
                "my new {card} hasn't arrived", "still waiting for my {card}", "{card} not received",
                "it's been {days} and no {card} in the mail", "when will my new {card} be delivered",
                "you said my {card} was sent but it never came", "where is my replacement {card}",
                "the {card} you posted {when} still isn't here", "how long does a new {card} take to arrive",
                "never got my {card}");
        intent("card_declined",
                "my {card} was declined at {merchant}", "why was my payment declined", "{card} declined",
                "I tried paying {amount} at {merchant} and it got rejected", "card keeps getting declined online",
                "transaction refused {when} even though I have money",
                "my {card} doesn't work at the terminal", "payment of {amount} failed at {merchant}");
        intent("activate_card",
                "how do I activate my {card}", "activate new {card}", "I got my {card}, how do I turn it on",
                "where do I activate the {card} in the app", "my new {card} arrived, what now",
                "can you activate my {card} for me", "card activation please", "is my {card} active yet");
        intent("pin_change",
                "how do I change my PIN", "I forgot my PIN", "reset PIN", "I want a new PIN for my {card}",
                "where can I see my PIN", "my PIN got blocked after three tries",
                "can I change the PIN at an ATM", "I need to update the PIN on my {card}");
        intent("transfer_failed",
                "my transfer failed", "the transfer of {amount} didn't go through", "transfer error",
                "I sent {amount} and it bounced back", "why was my bank transfer rejected",
                "money transfer to my landlord failed {when}", "the app says transfer unsuccessful",
                "I got an error when sending {amount}");
        intent("transfer_status",
                "where is my transfer", "has my transfer of {amount} arrived", "transfer pending for {days}",
                "how long does a transfer take", "my friend hasn't received the {amount} I sent",
                "is my transfer still processing", "when will the money I sent {when} arrive",
                "track transfer");
        intent("balance_inquiry",
                "what's my balance", "how much money do I have", "check balance", "show me my account balance",
                "what is left in my checking account", "can you tell me my current balance",
                "balance please", "how much is in my savings");
        intent("dispute_charge",
                "I don't recognise a charge of {amount}", "there's a payment to {merchant} I didn't make",
                "dispute a transaction", "someone charged {amount} on my {card}",
                "I was charged twice by {merchant}", "unknown charge on my statement",
                "I want to dispute the {amount} from {merchant}", "fraudulent transaction on my account");
        intent("exchange_rate",
                "what's the exchange rate for {currency}", "how much is {amount} in {currency}",
                "exchange rate today", "do you charge a fee to convert to {currency}",
                "what rate do I get when paying in {currency}", "currency conversion rate",
                "why was the exchange rate so bad on my {merchant} payment");
        intent("close_account",
                "I want to close my account", "close account", "how do I delete my account",
                "please cancel my bank account", "I'm leaving, shut down my account",
                "what happens to my money if I close the account", "terminate my membership and account");
        intent("change_address",
                "I moved, please update my home address", "change my address on file",
                "update address", "how do I change the address on my account", "I have a new address in {city}",
                "my residential address changed", "where can I edit my personal address",
                "the bank still has my old address");
        intent("update_phone",
                "I changed my phone number", "update my mobile number", "new phone number",
                "how do I change the number linked to my account", "I'm not getting SMS codes, new number",
                "please replace my old phone number", "my contact number is wrong");
        intent("account_locked",
                "I'm locked out of my account", "can't log in", "my account is blocked",
                "too many wrong passwords, now it's locked", "the app won't let me sign in",
                "forgot my password", "login not working {when}", "reset my password please");
        intent("cancel_direct_debit",
                "cancel a direct debit", "stop the standing order to {merchant}", "how do I cancel a recurring payment",
                "I want to stop {merchant} taking money every month", "remove a direct debit",
                "cancel my subscription payment to {merchant}", "end the monthly {amount} payment");
        intent("overdraft_fee",
                "why was I charged an overdraft fee", "overdraft fee of {amount}", "I got an overdraft charge",
                "can you refund the overdraft fee", "what does the overdraft cost",
                "I went into overdraft by accident, fee?", "fee for going below zero");
        intent("order_status",
                "where is {order}", "track {order}", "order status", "has {order} shipped yet",
                "when will {order} arrive", "what's the status of my {item} order",
                "can you check on {order}", "is my {item} on the way");
        intent("delivery_delayed",
                "{order} is late", "my package is delayed", "delivery was supposed to be {when}",
                "it's been {days} and my {item} hasn't come", "the courier missed the delivery date",
                "why is my delivery taking so long", "tracking hasn't updated in {days}",
                "my {item} should have arrived by now");
        intent("cancel_order",
                "cancel {order}", "I want to cancel my order", "please cancel the {item} I ordered",
                "I ordered the wrong size, cancel it", "stop {order} before it ships",
                "can I still cancel {order}", "cancel purchase");
        intent("refund_status",
                "where is my refund", "refund status", "I returned the {item} {days} ago, no refund yet",
                "when will I get my money back for {order}", "my refund of {amount} hasn't arrived",
                "how long do refunds take", "you promised a refund, where is it");
        intent("return_item",
                "how do I return the {item}", "I want to return {order}", "return an item",
                "can I send back the {item}", "print a return label", "what's your return policy",
                "the {item} doesn't fit, I'd like to return it", "is there a free return for {item}");
        intent("damaged_item",
                "my {item} arrived broken", "the {item} is damaged", "item arrived damaged",
                "the box was crushed and the {item} is cracked", "the {item} doesn't work out of the box",
                "received a faulty {item}", "my {item} came with a scratch");
        intent("wrong_item",
                "I received the wrong item", "you sent me a {item} instead of what I ordered",
                "wrong product in the box", "this isn't the {item} I ordered", "got someone else's order",
                "wrong colour and wrong size", "the package contained the wrong {item}");
        intent("change_delivery_address",
                "change the delivery address for {order}", "ship {order} to a different address",
                "can I update the shipping address", "I need my {item} delivered to {city} instead",
                "wrong shipping address on {order}", "redirect my parcel", "edit delivery address");
        intent("apply_coupon",
                "my discount code doesn't work", "how do I apply a coupon", "promo code invalid",
                "where do I enter a voucher", "the 20% off code was not applied to {order}",
                "can I still use a coupon after ordering", "coupon");
        intent("payment_methods",
                "what payment methods do you accept", "can I pay with PayPal", "do you take Apple Pay",
                "pay by invoice", "can I pay in installments for the {item}", "add a new payment method",
                "is cash on delivery possible");
        intent("talk_to_human",
                "I want to talk to a human", "agent please", "connect me to a real person",
                "can I speak to someone", "get me customer service", "representative",
                "this bot is useless, I need a person", "call me back please");
        intent("opening_hours",
                "what are your opening hours", "when is the branch in {city} open", "are you open on Sunday",
                "opening times", "is the store in {city} open today", "what time do you close",
                "holiday opening hours");

        AMBIGUOUS.add(new String[] {"I don't have my {card} anymore", "card_lost", "card_not_arrived"});
        AMBIGUOUS.add(new String[] {"where is my {card}", "card_not_arrived", "card_lost"});
        AMBIGUOUS.add(new String[] {"I need to change my address", "change_address", "change_delivery_address"});
        AMBIGUOUS.add(new String[] {"I moved to {city}, what do I need to update", "change_address",
                "change_delivery_address"});
        AMBIGUOUS.add(new String[] {"I sent back the {item}, what now", "refund_status", "return_item"});
        AMBIGUOUS.add(new String[] {"the money I sent {when} is not there", "transfer_status", "transfer_failed"});
        AMBIGUOUS.add(new String[] {"{order} still hasn't come", "order_status", "delivery_delayed"});
        AMBIGUOUS.add(new String[] {"I don't want {order} anymore", "cancel_order", "return_item"});
        AMBIGUOUS.add(new String[] {"there's a {amount} charge from {merchant} I want back", "dispute_charge",
                "refund_status"});
        AMBIGUOUS.add(new String[] {"my {card} isn't working", "card_declined", "activate_card"});
        AMBIGUOUS.add(new String[] {"I can't use my {card}, it says blocked", "card_declined", "account_locked"});
        AMBIGUOUS.add(new String[] {"stop the payments to {merchant}", "cancel_direct_debit", "dispute_charge"});
    }

    private DemoDataGenerator() {
    }

    private static void intent(final String label, final String... templates) {
        INTENTS.put(label, List.of(templates));
    }

    /** The intent labels, in file order. */
    public static List<String> intentLabels() {
        return List.copyOf(INTENTS.keySet());
    }

    /**
     * Writes both datasets into a directory.
     *
     * @param args the output directory (default {@code streams-app/src/main/resources/demo})
     */
    public static void main(final String[] args) throws IOException {
        final Path dir = Path.of(args.length > 0 ? args[0] : "streams-app/src/main/resources/demo");
        Files.createDirectories(dir);
        Files.write(dir.resolve(INTENTS_FILE), gzip(intentRows(DEFAULT_SEED)));
        Files.write(dir.resolve(PRIORITY_FILE), gzip(priorityRows(DEFAULT_SEED)));
        System.out.println("wrote " + dir.resolve(INTENTS_FILE) + " and " + dir.resolve(PRIORITY_FILE));
    }

    /** The intent dataset as JSON lines ({@code id, text, label}), in a seeded shuffled order. */
    public static List<String> intentRows(final long seed) {
        final Random rnd = new Random(seed);
        final List<String[]> rows = new ArrayList<>();
        final Set<String> seen = new LinkedHashSet<>();
        for (final Map.Entry<String, List<String>> e : INTENTS.entrySet()) {
            final List<String[]> ambiguous = ambiguousFor(e.getKey());
            int made = 0;
            int attempts = 0;
            while (made < INTENT_ROWS_PER_LABEL && attempts < INTENT_ROWS_PER_LABEL * 50) {
                attempts++;
                final String template;
                final String label;
                if (!ambiguous.isEmpty() && rnd.nextDouble() < 0.06) {
                    final String[] amb = ambiguous.get(rnd.nextInt(ambiguous.size()));
                    template = amb[0];
                    // the LLM leans to the first reading of the pair, but not always
                    label = rnd.nextDouble() < 0.65 ? amb[1] : amb[2];
                } else {
                    template = pick(rnd, e.getValue());
                    label = e.getKey();
                }
                final String text = dress(rnd, fill(rnd, template));
                if (seen.add(text)) {
                    rows.add(new String[] {text, label});
                    made++;
                }
            }
        }
        shuffle(rows, rnd);
        final List<String> lines = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            lines.add(json(String.format(Locale.ROOT, "si-%05d", i), rows.get(i)[0], rows.get(i)[1]));
        }
        return lines;
    }

    /** The priority dataset as JSON lines ({@code id, text, label}); see the class comment for how labels arise. */
    public static List<String> priorityRows(final long seed) {
        final Random rnd = new Random(seed ^ 0x5DEECE66DL);
        final List<String> intentTemplates = new ArrayList<>();
        final List<String> intentLabels = new ArrayList<>();
        for (final Map.Entry<String, List<String>> e : INTENTS.entrySet()) {
            for (final String t : e.getValue()) {
                intentTemplates.add(t);
                intentLabels.add(e.getKey());
            }
        }
        final String[] priorities = {"low", "normal", "high"};
        final List<String> lines = new ArrayList<>(PRIORITY_ROWS);
        final Set<String> seen = new LinkedHashSet<>();
        int i = 0;
        while (lines.size() < PRIORITY_ROWS) {
            final int k = rnd.nextInt(intentTemplates.size());
            final String text = dress(rnd, fill(rnd, intentTemplates.get(k)));
            if (!seen.add(text)) {
                continue;
            }
            // what the wording suggests
            final int textSeverity = severity(intentLabels.get(k));
            // what the teacher actually looked at: account state absent from the text
            final int tier = rnd.nextInt(3); // basic, standard, premium
            final boolean fraudFlag = rnd.nextDouble() < 0.15;
            final boolean balanceAtRisk = rnd.nextDouble() < 0.25;
            final int hidden = Math.min(2, (tier == 2 ? 1 : 0) + (fraudFlag ? 2 : 0) + (balanceAtRisk ? 1 : 0)
                    + (tier == 0 && rnd.nextBoolean() ? 0 : rnd.nextInt(2)));
            final int label = rnd.nextDouble() < PRIORITY_TEXT_WEIGHT ? textSeverity : hidden;
            lines.add(json(String.format(Locale.ROOT, "tp-%05d", i++), text, priorities[label]));
        }
        return lines;
    }

    private static int severity(final String intent) {
        return switch (intent) {
            case "card_lost", "dispute_charge", "account_locked", "transfer_failed", "damaged_item" -> 2;
            case "opening_hours", "exchange_rate", "payment_methods", "apply_coupon", "balance_inquiry" -> 0;
            default -> 1;
        };
    }

    private static List<String[]> ambiguousFor(final String label) {
        final List<String[]> out = new ArrayList<>();
        for (final String[] a : AMBIGUOUS) {
            if (a[1].equals(label)) {
                out.add(a);
            }
        }
        return out;
    }

    private static String fill(final Random rnd, final String template) {
        final StringBuilder out = new StringBuilder();
        int pos = 0;
        while (true) {
            final int open = template.indexOf('{', pos);
            if (open < 0) {
                out.append(template, pos, template.length());
                return out.toString();
            }
            final int close = template.indexOf('}', open);
            out.append(template, pos, open);
            final List<String> values = SLOTS.get(template.substring(open + 1, close));
            if (values == null) {
                throw new IllegalStateException("unknown slot in template: " + template);
            }
            out.append(pick(rnd, values));
            pos = close + 1;
        }
    }

    /** Adds the surface variety: prefixes, suffixes, casing, punctuation and typos. */
    private static String dress(final Random rnd, final String core) {
        String text = core;
        final double p = rnd.nextDouble();
        if (p < 0.25) {
            text = pick(rnd, POLITE_PREFIXES) + text;
        } else if (p < 0.37) {
            text = pick(rnd, CONTEXT_PREFIXES) + text;
        } else if (p < 0.45) {
            text = pick(rnd, POLITE_PREFIXES) + pick(rnd, CONTEXT_PREFIXES) + text;
        }
        if (rnd.nextDouble() < 0.3) {
            final String s = pick(rnd, SUFFIXES);
            text = text.endsWith("?") || text.endsWith(".") ? text + s : text + "," + s;
        }
        final double c = rnd.nextDouble();
        if (c < 0.3) {
            text = text.toLowerCase(Locale.ROOT);
        } else if (c < 0.8 && !text.isEmpty()) {
            text = Character.toUpperCase(text.charAt(0)) + text.substring(1);
        }
        if (rnd.nextDouble() < 0.2) {
            text = text.replace(",", "").replace("?", "").replace("'", "");
        } else if (rnd.nextDouble() < 0.3 && !text.endsWith("?") && !text.endsWith(".")) {
            text = text + (rnd.nextBoolean() ? "." : "?");
        }
        final double t = rnd.nextDouble();
        final int typos = t < 0.72 ? 0 : t < 0.93 ? 1 : 2;
        for (int i = 0; i < typos; i++) {
            text = typo(rnd, text);
        }
        return text;
    }

    private static String typo(final Random rnd, final String text) {
        if (text.length() < 6) {
            return text;
        }
        final int at = 1 + rnd.nextInt(text.length() - 3);
        final char a = text.charAt(at);
        final char b = text.charAt(at + 1);
        if (!Character.isLetter(a) || !Character.isLetter(b)) {
            return text;
        }
        return switch (rnd.nextInt(3)) {
            case 0 -> text.substring(0, at) + b + a + text.substring(at + 2); // swap
            case 1 -> text.substring(0, at) + text.substring(at + 1); // drop
            default -> text.substring(0, at) + a + text.substring(at); // double
        };
    }

    private static <T> T pick(final Random rnd, final List<T> values) {
        return values.get(rnd.nextInt(values.size()));
    }

    private static <T> void shuffle(final List<T> list, final Random rnd) {
        for (int i = list.size() - 1; i > 0; i--) {
            final int j = rnd.nextInt(i + 1);
            final T tmp = list.get(i);
            list.set(i, list.get(j));
            list.set(j, tmp);
        }
    }

    private static String json(final String id, final String text, final String label) {
        final ObjectNode node = JSON.createObjectNode();
        node.put("id", id);
        node.put("text", text);
        node.put("label", label);
        return node.toString();
    }

    /** Gzips JSON lines (one per line, UTF-8); the gzip header's mtime is 0, so the bytes are reproducible. */
    public static byte[] gzip(final List<String> lines) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            for (final String line : lines) {
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
