package dev.glasskey.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.glasskey.mds.MdsService;
import dev.glasskey.system.Actors;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.webauthn.AllowedModelService;

/**
 * The console's key models page (issue 19): the loaded FIDO metadata (upload a BLOB with its CRLs)
 * and the AAGUID allow-list with each model's certification level and latest status; models are
 * allowed from the metadata by AAGUID, or with roots pinned by hand. Forms post to the same services
 * as the API.
 */
@Controller
class ModelConsolePages {
    static final String PAGE = "/admin/models";
    static final String UPLOAD = "/admin/models/metadata";

    private final MdsService mds;
    private final AllowedModelService allowList;

    ModelConsolePages(MdsService mds, AllowedModelService allowList) {
        this.mds = mds;
        this.allowList = allowList;
    }

    @GetMapping(PAGE)
    String page(Model model) {
        model.addAttribute("me", Actors.current());
        model.addAttribute("metadata", mds.status());
        model.addAttribute("models", allowList.views());
        return "models";
    }

    @PostMapping(UPLOAD)
    String upload(@RequestParam("blob") MultipartFile blob, @RequestParam(name = "crls", required = false) List<MultipartFile> crls,
                  RedirectAttributes flash) {
        return act(flash, () -> {
            List<byte[]> crlFiles = new ArrayList<>();
            for (MultipartFile crl : crls == null ? List.<MultipartFile>of() : crls) {
                if (!crl.isEmpty()) crlFiles.add(bytes(crl));
            }
            MdsService.Loaded loaded = mds.load(Actors.current(), "console", bytes(blob), crlFiles);
            StringBuilder message = new StringBuilder("FIDO metadata BLOB no. " + loaded.snapshot().serial() + " loaded ("
                    + loaded.snapshot().models().size() + " models, next update " + loaded.snapshot().nextUpdate() + ").");
            loaded.newlyCompromised().values().forEach(c -> message.append(" Now in the deny set: ").append(c.describe()).append('.'));
            loaded.warnings().forEach(w -> message.append(' ').append(w));
            return message.toString();
        });
    }

    @PostMapping("/admin/models/allow")
    String allow(@RequestParam String aaguid, @RequestParam(required = false) String name, @RequestParam(required = false) String rootsPem,
                 RedirectAttributes flash) {
        return act(flash, () -> {
            var allowed = rootsPem == null || rootsPem.isBlank()
                    ? allowList.allowFromMetadata(Actors.current(), aaguid, name == null || name.isBlank() ? null : name)
                    : allowList.allow(Actors.current(), aaguid, name, rootsPem);
            return "Model '" + allowed.name() + "' allowed" + (allowed.fromMetadata() ? " with the roots of the FIDO metadata." : " with the pinned roots.");
        });
    }

    @PostMapping("/admin/models/{aaguid}/remove")
    String remove(@PathVariable String aaguid, RedirectAttributes flash) {
        return act(flash, () -> {
            allowList.remove(Actors.current(), aaguid);
            return "Model " + aaguid + " removed from the allow-list.";
        });
    }

    private static byte[] bytes(MultipartFile file) {
        try {
            return file.getBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String act(RedirectAttributes flash, java.util.function.Supplier<String> action) {
        try {
            flash.addFlashAttribute("message", action.get());
        } catch (GlasskeyException e) {
            flash.addFlashAttribute("error", "[" + e.errorCode().code() + "] " + e.detail());
        }
        return "redirect:" + PAGE;
    }
}
