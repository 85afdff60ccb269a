package org.securetrain.launcher.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training UI in a real browser: headless Chromium loads DL4J's overview page and the project's figures
 * page after a short secure run, with their JavaScript, and the rendered DOM and screenshots show the data
 * owner's loss chart, the model summary and the per-protocol tables. Needs {@code chromium} on the PATH
 * (Debian: {@code apt-get install chromium}); run with {@code -Pbrowser}. The screenshots stay in
 * {@code target/training-ui/} (the one in {@code docs/img/training-ui.png} is such a screenshot).
 */
@Tag("browser")
class TrainingUiBrowserTest {
    static final int WIDTH = 1400;
    static final int HEIGHT = 1000;

    @TempDir
    Path tmp;

    @Test
    @Timeout(300)
    void chromiumRendersTheLossChartAndTheProtocolFigures() throws Exception {
        TrainingUiTest.Run run = TrainingUiTest.shortRun();
        try (TrainingUi ui = run.ui()) {
            TrainingUiTest.waitForScores(ui, run.dataOwner().sessionId(), 4); // also selects the data owner's session
            Path out = Files.createDirectories(Path.of("target", "training-ui"));

            // DL4J's overview page: its scripts fetch /train/overview/data and draw the chart and the tables
            String dom = chromium(tmp, "--dump-dom", "--virtual-time-budget=8000", ui.overviewUri().toString());
            assertTrue(dom.contains("<td class=\"legendLabel\">score</td>"), "the score chart has its series:\n" + dom);
            assertEquals("4", cell(dom, "totalParamUpdates"), "steps the UI shows");
            assertEquals("MultiLayerNetwork", cell(dom, "modelType"));
            assertEquals("12730", cell(dom, "nParams"), "784*16+16 + 16*10+10 parameters");
            // the y axis covers the data owner's losses (the chart's tick labels are DOM text)
            List<Double> yTicks = yTicks(dom);
            double maxLoss = run.dataOwnerLosses().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            double step = yTicks.size() > 1 ? yTicks.get(1) - yTicks.get(0) : 1;
            assertTrue(!yTicks.isEmpty() && yTicks.get(yTicks.size() - 1) + step >= maxLoss
                    && yTicks.get(yTicks.size() - 1) <= maxLoss + step, "y ticks " + yTicks + " vs max loss " + maxLoss);

            Path overview = out.resolve("overview.png");
            chromium(tmp, "--hide-scrollbars", "--window-size=" + WIDTH + "," + HEIGHT, "--virtual-time-budget=8000",
                    "--screenshot=" + overview.toAbsolutePath(), ui.overviewUri().toString());
            BufferedImage img = ImageIO.read(overview.toFile());
            assertEquals(WIDTH, img.getWidth());
            assertEquals(HEIGHT, img.getHeight());
            // the score line is drawn in the chart (top left quarter) in DL4J's orange-red
            int line = countPixels(img, 0, 0, WIDTH * 2 / 3, HEIGHT / 2,
                    rgb -> red(rgb) > 200 && green(rgb) < 150 && blue(rgb) < 130);
            assertTrue(line > 300, "score line pixels: " + line);

            // the project's page (it reloads itself every 2 s, so a short virtual-time budget)
            String fig = chromium(tmp, "--dump-dom", "--virtual-time-budget=1000", ui.figuresUri().toString());
            assertTrue(fig.contains("Model owner (party 0)") && fig.contains("Data owner (party 1)"), fig);
            assertTrue(fig.contains("<td>HE_PRODUCT</td>") && fig.contains("<td>he.matmul.cross</td>")
                    && fig.contains("<td>gc.tables</td>"), fig);
            Path figures = out.resolve("figures.png");
            chromium(tmp, "--hide-scrollbars", "--window-size=" + WIDTH + "," + HEIGHT, "--virtual-time-budget=1000",
                    "--screenshot=" + figures.toAbsolutePath(), ui.figuresUri().toString());
            BufferedImage f = ImageIO.read(figures.toFile());
            int ink = countPixels(f, 0, 0, f.getWidth(), f.getHeight(), rgb -> red(rgb) + green(rgb) + blue(rgb) < 200);
            assertTrue(ink > 5000, "text pixels on the figures page: " + ink);
        }
    }

    /** Runs headless Chromium with {@code args}; its standard output. */
    static String chromium(Path tmp, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--user-data-dir=" + tmp.resolve("chromium-profile")));
        cmd.addAll(List.of(args));
        Path stdout = tmp.resolve("chromium.out");
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new IOException("cannot run chromium (Debian: apt-get install chromium): " + e.getMessage(), e);
        }
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 90 s: " + cmd);
        }
        assertEquals(0, p.exitValue(), "chromium " + cmd);
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    static String cell(String dom, String id) {
        Matcher m = Pattern.compile("<td id=\"" + id + "\">([^<]*)</td>").matcher(dom);
        assertTrue(m.find(), "no cell " + id);
        return m.group(1);
    }

    /** The score chart's y-axis labels, ascending (Flot places them with "text-align: right"). */
    static List<Double> yTicks(String dom) {
        List<Double> out = new ArrayList<>();
        Matcher m = Pattern.compile("flot-tick-label tickLabel\" style=\"[^\"]*text-align: right;\">([-0-9.]+)</div>")
                .matcher(dom);
        while (m.find() && (out.isEmpty() || Double.parseDouble(m.group(1)) > out.get(out.size() - 1))) {
            out.add(Double.parseDouble(m.group(1).toLowerCase(Locale.ROOT)));
        }
        return out;
    }

    interface RgbTest {
        boolean test(int rgb);
    }

    static int countPixels(BufferedImage img, int x0, int y0, int x1, int y1, RgbTest t) {
        int n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                if (t.test(img.getRGB(x, y))) {
                    n++;
                }
            }
        }
        return n;
    }

    static int red(int rgb) {
        return (rgb >> 16) & 0xff;
    }

    static int green(int rgb) {
        return (rgb >> 8) & 0xff;
    }

    static int blue(int rgb) {
        return rgb & 0xff;
    }
}
